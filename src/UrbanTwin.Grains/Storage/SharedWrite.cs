using System.Diagnostics;
using UrbanTwin.Grains.Observability;

namespace UrbanTwin.Grains.Storage;

/// <summary>
/// The state writes of a grain whose calls interleave by declaration (a district's <c>[AlwaysInterleave]</c>
/// registrations): two writes at once would race on the ETag, so a write asked for while one is in flight waits for
/// it, and everyone who asks meanwhile shares that next write (it carries all their changes). A district taking many
/// registrations at once therefore writes once per round trip, not once per call. Runs only on the grain's turns.
/// </summary>
internal sealed class SharedWrite(Func<Task> write, KeyValuePair<string, object?> kind, SiloMetrics metrics)
{
    private Task? _inFlight;
    private Task? _queued;

    /// <summary>Writes the state as it is when the write starts; completes when it is stored (or throws what storage threw).</summary>
    public Task WriteAsync(bool durable = true)
    {
        if (_inFlight is null)
        {
            var started = WriteOnceAsync(durable ? LiveStore.DurableMode : LiveStore.BehindMode);
            if (!started.IsCompleted)
            {
                _inFlight = started; // (a storage that answers at once never leaves a write in flight)
            }
            return started;
        }
        return _queued ??= WriteAfterAsync(_inFlight, durable);
    }

    private async Task WriteOnceAsync(KeyValuePair<string, object?> mode)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await write();
            metrics.StorageFlushDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, mode, kind);
        }
        catch
        {
            metrics.StorageFlushFailures.Add(1, mode, kind);
            throw;
        }
        finally
        {
            _inFlight = null;
        }
    }

    private async Task WriteAfterAsync(Task current, bool durable)
    {
        try
        {
            await current;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // that write's own callers get its failure; this one writes again with the changes made since
        }
        _queued = null;
        await WriteAsync(durable);
    }
}
