using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace UrbanTwin.Simulator.Profiling;

/// <summary>What to record: where the CPU goes (stack samples), or where the allocations come from (allocation ticks).</summary>
public enum ProfileKind
{
    Cpu,
    Alloc,
}

public sealed record ProfileOptions(int Pid, TimeSpan Duration, ProfileKind Kind, int Top, string TracePath);

/// <summary>
/// <c>profile</c>: an EventPipe session on a running .NET process (a gateway or a silo), as <c>dotnet-trace</c> would
/// record it. dotnet-trace is not installable from this machine's package mirror, the diagnostics client library is.
/// The trace is kept (<c>.nettrace</c>, readable by PerfView and speedscope's converters) and summarised here.
/// </summary>
public static class ProfileCommand
{
    public static async Task<int> RunAsync(ProfileOptions options, TextWriter output)
    {
        var client = new DiagnosticsClient(options.Pid);
        EventPipeSession session;
        try
        {
            // Rundown at the end names the methods that were compiled before the session started.
            session = client.StartEventPipeSession(Providers(options.Kind), requestRundown: true, circularBufferMB: 256);
        }
        catch (ServerNotAvailableException)
        {
            await Console.Error.WriteLineAsync($"profile: no .NET process of this user answers diagnostics at pid {options.Pid}");
            return 2;
        }
        using (session)
        {
            await using var file = File.Create(options.TracePath);
            var copy = session.EventStream.CopyToAsync(file);
            await Task.Delay(options.Duration);
            await session.StopAsync(CancellationToken.None);
            await copy;
        }
        var summary = TraceSummary.Read(options.TracePath, options.Kind);
        summary.Write(output, options.Top);
        await File.WriteAllLinesAsync(options.TracePath + ".folded", summary.FoldedStacks());
        output.WriteLine($"trace: {options.TracePath}; folded stacks (for flame graphs): {options.TracePath}.folded");
        return 0;
    }

    private static EventPipeProvider[] Providers(ProfileKind kind) => kind switch
    {
        // The sample profiler takes every thread's stack about once a millisecond.
        ProfileKind.Cpu =>
        [
            new("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.Default),
        ],
        // An allocation tick about every 100 KB allocated, with the type and the allocating stack.
        _ =>
        [
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose,
                (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Stack | ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.Loader)),
        ],
    };
}
