using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace UrbanTwin.Simulator.Profiling;

/// <summary>
/// A recorded trace, summed up: for CPU, the samples of threads running managed code, by the code that owns them
/// (the nearest frame outside the base library: the product, Orleans or ASP.NET Core) and by leaf method; for
/// allocations, the sampled bytes by type and by allocating method. Stacks are also kept folded, one line per
/// distinct stack, root first.
/// </summary>
public sealed class TraceSummary
{
    /// <summary>Leaf methods of threads that wait or spin for work, or wait for a collection to finish.</summary>
    private static readonly string[] Idle =
    [
        "LowLevelLifoSemaphore", "WorkerThreadStart", "WaitHandle.Wait", "Monitor.Wait", "ManualResetEventSlim.Wait", "PollGC", "LowLevelSpinWaiter",
    ];

    private readonly Dictionary<string, long> _folded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byOwner = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byLeaf = new(StringComparer.Ordinal);
    private readonly ProfileKind _kind;
    private long _total;
    private long _idle;
    private long _waitingForGc;

    private TraceSummary(ProfileKind kind) => _kind = kind;

    public static TraceSummary Read(string nettrace, ProfileKind kind)
    {
        var summary = new TraceSummary(kind);
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(nettrace));
        foreach (var e in log.Events)
        {
            if (kind == ProfileKind.Cpu && e.ProviderName == "Microsoft-DotNETCore-SampleProfiler" && IsManagedSample(e))
            {
                summary.Add(Frames(e), 1, owner: null);
            }
            else if (kind == ProfileKind.Alloc && e.EventName == "GC/AllocationTick")
            {
                summary.Add(Frames(e), Convert.ToInt64(e.PayloadByName("AllocationAmount64")), owner: e.PayloadByName("TypeName")?.ToString() ?? "?");
            }
        }
        return summary;
    }

    public void Write(TextWriter output, int top)
    {
        if (_kind == ProfileKind.Cpu)
        {
            var busy = _total - _idle;
            output.WriteLine($"{_total:N0} samples of threads in managed code; {Share(_waitingForGc, _total)} waiting for a garbage collection, " +
                $"{Share(_idle - _waitingForGc, _total)} idle or spinning for work; the rest, {busy:N0}, by owner and by leaf method:");
            WriteTop(output, "owner", _byOwner, busy, top);
            WriteTop(output, "leaf method", _byLeaf, busy, top);
        }
        else
        {
            output.WriteLine($"{_total / 1048576.0:N1} MiB of allocations sampled, by type and by allocating method:");
            WriteTop(output, "type", _byOwner, _total, top);
            WriteTop(output, "allocating method", _byLeaf, _total, top);
        }
    }

    public IEnumerable<string> FoldedStacks() => _folded.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {f.Value}");

    private void Add(List<string> frames, long weight, string? owner)
    {
        if (frames.Count == 0)
        {
            return;
        }
        _total += weight;
        var stack = string.Join(';', Enumerable.Reverse(frames));
        _folded[stack] = _folded.GetValueOrDefault(stack) + weight;
        if (owner is null && Idle.Any(i => frames[0].Contains(i, StringComparison.Ordinal)))
        {
            _idle += weight;
            _waitingForGc += frames[0].Contains("PollGC", StringComparison.Ordinal) ? weight : 0;
            return;
        }
        var key = owner ?? Owner(frames);
        _byOwner[key] = _byOwner.GetValueOrDefault(key) + weight;
        // For allocations the leaf is the runtime's allocation helper: the first product, Orleans or ASP.NET frame says more.
        var leaf = owner is null ? frames[0] : frames.FirstOrDefault(f => !IsBaseLibrary(f)) ?? frames[0];
        _byLeaf[leaf] = _byLeaf.GetValueOrDefault(leaf) + weight;
    }

    /// <summary>The namespace (two or three parts) of the nearest frame outside the base library.</summary>
    private static string Owner(List<string> frames)
    {
        var frame = frames.FirstOrDefault(f => !IsBaseLibrary(f)) ?? frames[0];
        var parts = frame.Split('(')[0].Split('.');
        return string.Join('.', parts.Take(Math.Min(3, Math.Max(1, parts.Length - 2))));
    }

    private static bool IsBaseLibrary(string frame) => frame.StartsWith("System.", StringComparison.Ordinal) || frame.StartsWith('?');

    /// <summary>The sample profiler marks each sample as managed (running managed code) or external (waiting in native code).</summary>
    private static bool IsManagedSample(TraceEvent e) => e.PayloadNames.Length == 0 || Convert.ToInt32(e.PayloadValue(0)) == 2;

    private static List<string> Frames(TraceEvent e)
    {
        var frames = new List<string>();
        for (var frame = e.CallStack(); frame is not null; frame = frame.Caller)
        {
            var name = frame.CodeAddress.FullMethodName;
            frames.Add(string.IsNullOrEmpty(name) ? "?" + frame.CodeAddress.ModuleName : name.Split('(')[0]);
        }
        return frames;
    }

    private static void WriteTop(TextWriter output, string what, Dictionary<string, long> counts, long total, int top)
    {
        output.WriteLine($"--- by {what}");
        foreach (var (name, count) in counts.OrderByDescending(c => c.Value).Take(top))
        {
            output.WriteLine($"{Share(count, total),7} {name}");
        }
    }

    private static string Share(long part, long total) => total == 0 ? "0 %" : $"{100.0 * part / total:F1} %";
}
