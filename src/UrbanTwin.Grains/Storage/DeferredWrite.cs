using System.Diagnostics;
using Orleans.Storage;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Scheduling;

namespace UrbanTwin.Grains.Storage;

/// <summary>
/// Write-behind for a grain's live state: <see cref="Request"/> asks for a wakeup (<see cref="GrainWakeups"/>) that
/// runs the write after the flush window, so a burst of updates costs one storage write. The wakeup runs on the
/// grain's own scheduler, between its turns or at an await of a call in progress, never in parallel with it. Failed
/// writes re-arm, so nothing pending is dropped, except on an ETag conflict: then the grain is a stale duplicate and
/// deactivates instead. Every write of the grain's state must go through here: writes never overlap (two at once
/// would race on the ETag). A write asked for while one is in flight waits for it, and everyone who asks meanwhile
/// shares that next write. So a grain whose calls interleave (a district taking many registrations at once) writes
/// once per round trip, not once per call.
/// </summary>
internal sealed class DeferredWrite
{
    private readonly IWrittenBehind _grain;
    private readonly IWorkItemScheduler _scheduler;
    private readonly GrainWakeups _wakeups;
    private readonly TimeSpan _delay;
    private readonly KeyValuePair<string, object?> _kind;
    private bool _armed;
    private bool _closed;
    private Task? _inFlight;
    private Task? _queued;

    /// <param name="scheduler">The grain's scheduler (<c>GrainContext.Scheduler</c>), where the write-behind runs.</param>
    public DeferredWrite(IWrittenBehind grain, IWorkItemScheduler scheduler, GrainWakeups wakeups, TimeSpan delay)
    {
        _grain = grain;
        _scheduler = scheduler;
        _wakeups = wakeups;
        _delay = delay;
        _kind = GrainActivations.KindTag(grain);
    }

    public bool Pending => _armed;

    public void Request()
    {
        if (!_armed && !_closed)
        {
            SetArmed(true);
            _wakeups.Schedule(_scheduler, _delay, static state => ((DeferredWrite)state).OnDue(), this);
        }
    }

    /// <summary>The last write of an activation that is going away: writes what is pending; a wakeup still due does nothing.</summary>
    public async Task CloseAsync()
    {
        try
        {
            if (_armed)
            {
                await WriteNowAsync();
            }
        }
        finally
        {
            _closed = true;
            SetArmed(false); // what a failed last write left is no longer this activation's to write
        }
    }

    /// <summary>Armed = state waiting to be written; the backlog gauge counts the grains in that state.</summary>
    private void SetArmed(bool armed)
    {
        if (_armed != armed)
        {
            _armed = armed;
            UrbanTwinMeter.StoragePending.Add(armed ? 1 : -1, _kind);
        }
    }

    private void OnDue()
    {
        if (_armed && !_closed)
        {
            _ = WriteBehindAsync();
        }
    }

    private async Task WriteBehindAsync()
    {
        try
        {
            await Schedule(BehindMode);
        }
        catch (Exception)
        {
            // Counted and re-armed (or, on a conflict, the grain deactivates) in WriteAsync; nobody waits for this one.
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
        SetArmed(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await _grain.WriteStoredStateAsync();
            UrbanTwinMeter.StorageFlushDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, mode, _kind);
        }
        catch (InconsistentStateException)
        {
            UrbanTwinMeter.StorageFlushFailures.Add(1, mode, _kind);
            // Storage holds a newer state written by another activation of this grain: this one is stale and must
            // not retry over it. Deactivate; the next call activates from what storage holds.
            _grain.DeactivateOnIdle();
            throw;
        }
        catch
        {
            UrbanTwinMeter.StorageFlushFailures.Add(1, mode, _kind);
            Request(); // keep the state pending and try again after another window
            throw;
        }
    }
}

/// <summary>A grain whose state a <see cref="DeferredWrite"/> writes (an interface rather than a delegate: one object less per activation).</summary>
internal interface IWrittenBehind : IGrainBase
{
    /// <summary>Writes the grain's state to storage, and whatever has to follow a write.</summary>
    Task WriteStoredStateAsync();
}
