using System.Diagnostics;
using Orleans.Storage;
using UrbanTwin.Grains.Observability;

namespace UrbanTwin.Grains.Storage;

/// <summary>
/// Write-behind for a grain's live state: <see cref="Request"/> arms a one-shot grain timer that runs the write
/// after the flush window, so a burst of updates costs one storage write. The timer runs on the grain's own
/// scheduler, never concurrently with a grain call. Failed writes re-arm, so nothing pending is dropped, except
/// on an ETag conflict: then the grain is a stale duplicate and deactivates instead. The timer exists only while a
/// write is pending (a grain timer costs about half a kilobyte, and most assets sit idle between readings).
/// Writes never overlap (two at once would race on the ETag): a write asked for while one is in flight waits for it,
/// and everyone who asks meanwhile shares that next write. So a grain whose calls interleave (a district taking many
/// registrations at once) writes once per round trip, not once per call.
/// </summary>
internal sealed class DeferredWrite
{
    private readonly IGrainBase _grain;
    private IGrainTimer? _timer;
    private readonly TimeSpan _delay;
    private readonly Func<Task> _write;
    private bool _armed;
    private Task? _inFlight;
    private Task? _queued;

    public DeferredWrite(IGrainBase grain, TimeSpan delay, Func<Task> write)
    {
        _grain = grain;
        _delay = delay;
        _write = write;
        _kind = new KeyValuePair<string, object?>("kind", grain.GrainContext?.GrainId.Type.ToString() ?? "unknown");
    }

    private readonly KeyValuePair<string, object?> _kind;

    public bool Pending => _armed;

    public void Request()
    {
        if (!_armed)
        {
            _armed = true;
            _timer = _grain.RegisterGrainTimer(() => Schedule(BehindMode), new GrainTimerCreationOptions(_delay, Timeout.InfiniteTimeSpan));
        }
    }

    /// <summary>Writes now if a write is pending (deactivation, shutdown).</summary>
    public async Task FlushAsync()
    {
        if (_armed)
        {
            await WriteNowAsync();
        }
    }

    /// <summary>Writes now, pending or not (a durable acknowledgement); a failure leaves the write pending and throws.</summary>
    public Task WriteNowAsync() => Schedule(DurableMode);

    /// <summary>Starts a write now, or queues one behind the write in flight (shared by every caller until it starts).</summary>
    private Task Schedule(KeyValuePair<string, object?> mode)
    {
        if (_inFlight is null)
        {
            var write = WriteOnceAsync(mode);
            if (!write.IsCompleted)
            {
                _inFlight = write; // (a storage that answers at once never leaves a write in flight)
            }
            return write;
        }
        return _queued ??= WriteAfterAsync(_inFlight, mode);
    }

    private async Task WriteOnceAsync(KeyValuePair<string, object?> mode)
    {
        try
        {
            await WriteAsync(mode);
        }
        finally
        {
            _inFlight = null;
        }
    }

    private async Task WriteAfterAsync(Task current, KeyValuePair<string, object?> mode)
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
        await Schedule(mode);
    }

    private static readonly KeyValuePair<string, object?> DurableMode = new("mode", "durable");
    private static readonly KeyValuePair<string, object?> BehindMode = new("mode", "behind");

    private async Task WriteAsync(KeyValuePair<string, object?> mode)
    {
        _armed = false;
        _timer?.Dispose();
        _timer = null;
        try
        {
            var started = Stopwatch.GetTimestamp();
            await _write();
            UrbanTwinMeter.StorageFlushDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, mode, _kind);
        }
        catch (InconsistentStateException)
        {
            // Storage holds a newer state written by another activation of this grain: this one is stale and must
            // not retry over it. Deactivate; the next call activates from what storage holds.
            _grain.DeactivateOnIdle();
            throw;
        }
        catch
        {
            Request(); // keep the state pending and try again after another window
            throw;
        }
    }
}
