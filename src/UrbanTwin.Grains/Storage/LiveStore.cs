using System.Diagnostics;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using UrbanTwin.Contracts.Events;
using UrbanTwin.EventLog.Readings;
using UrbanTwin.Grains.Observability;

namespace UrbanTwin.Grains.Storage;

/// <summary>
/// Storage for the live state of many small grains (assets), and the durable event log written with it.
/// <para>
/// A grain serializes its state on its own turn (<see cref="WriteAsync{T}"/>) and either awaits the write (a durable
/// acknowledgement) or does not (write-behind): the store then writes it without the grain, so no grain code ever
/// runs between the awaits of a call in progress, and the grain is free for its next call while Redis answers. Per
/// record, one write at a time: a state staged while one is in flight waits and then goes with the newer ETag; a
/// newer state staged before the waiting one went replaces it (its waiters share the newer write). A write that fails
/// stays staged and is tried again after <see cref="RetryDelay"/>, so nothing staged is dropped, except on an ETag
/// conflict: another activation of the grain wrote since, this one is stale, and <see cref="LiveRecord.IsConflicted"/>
/// tells it to deactivate.
/// </para>
/// <para>
/// Events go in the same atomic step as the state they belong to: an event is in the log exactly when its state is
/// in storage. A snapshot that replaces a waiting one carries both snapshots' events, in order. History rows (the
/// readings a write accepted, <see cref="HistoryRows"/>) travel the same way, to the reading log.
/// </para>
/// </summary>
public abstract class LiveStore(IGrainStorageSerializer serializer, IActivatorProvider activators, TimeProvider clock, TimeSpan retryDelay,
    SiloMetrics metrics)
{
    private long _unwritten;

    private protected SiloMetrics Metrics => metrics;

    /// <summary>How long a failed write waits before it is tried again.</summary>
    public TimeSpan RetryDelay => retryDelay;

    /// <summary>Records with a state staged and not yet confirmed by storage: the write-behind backlog.</summary>
    public long Unwritten => Interlocked.Read(ref _unwritten);

    /// <summary>Reads a grain's state; a grain never stored gets a new one.</summary>
    public async Task<T> ReadAsync<T>(string stateName, GrainId grainId, LiveRecord record) where T : class
    {
        var (payload, etag) = await ReadRawAsync(Key(stateName, grainId));
        lock (record)
        {
            record.ETag = etag;
        }
        return (payload is { Length: > 0 } bytes ? serializer.Deserialize<T>(bytes) : null) ?? activators.GetActivator<T>().Create();
    }

    /// <summary>
    /// Stages <paramref name="state"/>, serialized now, with the <paramref name="events"/> it records, and returns when
    /// it is stored. Fails with <see cref="InconsistentStateException"/> when the record is stale (another activation
    /// wrote), or with what storage threw; the store then keeps the state and tries again after <see cref="RetryDelay"/>.
    /// </summary>
    public Task WriteAsync<T>(string stateName, GrainId grainId, LiveRecord record, T state, IReadOnlyList<TwinEvent>? events = null,
        HistoryRows? rows = null) =>
        Stage(stateName, grainId, record, state, events, rows, durable: true);

    /// <summary>
    /// Write-behind: stages <paramref name="state"/>, serialized now, and returns at once. The store writes it and
    /// tries again until it is stored (or the record turns out stale: <see cref="LiveRecord.IsConflicted"/>).
    /// </summary>
    public void WriteBehind<T>(string stateName, GrainId grainId, LiveRecord record, T state, HistoryRows? rows = null, IReadOnlyList<TwinEvent>? events = null) =>
        _ = Stage(stateName, grainId, record, state, events, rows, durable: false).ContinueWith(
            static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private Task Stage<T>(string stateName, GrainId grainId, LiveRecord record, T state, IReadOnlyList<TwinEvent>? events, HistoryRows? rows,
        bool durable)
    {
        var payload = serializer.Serialize(state).ToMemory(); // on the grain's turn: the state as it is now
        LiveSnapshot snapshot;
        bool start;
        lock (record)
        {
            if (record.Conflicted)
            {
                return Task.FromException(Stale(grainId, stateName));
            }
            if (record.Next is { } waiting)
            {
                waiting.Replace(payload, events, rows);
                snapshot = waiting;
            }
            else
            {
                snapshot = record.Next = new LiveSnapshot(grainId, Key(stateName, grainId), stateName, payload, events, rows);
            }
            snapshot.Durable |= durable;
            start = !record.Queued;
            record.Queued = true;
        }
        if (start)
        {
            Interlocked.Increment(ref _unwritten);
            metrics.StoragePending.Add(1);
            Submit(record);
        }
        return snapshot.Done.Task;
    }

    /// <summary>The stored payload and ETag of a key (null payload: nothing stored).</summary>
    protected abstract Task<(byte[]? Payload, string? ETag)> ReadRawAsync(string key);

    /// <summary>Hands a record with a staged snapshot to the writer; it calls <see cref="Take"/>, writes, then one of the outcomes.</summary>
    protected abstract void Submit(LiveRecord record);

    /// <summary>The key a grain's state is stored under.</summary>
    protected abstract string Key(string stateName, GrainId grainId);

    /// <summary>Takes the record's staged snapshot for a write, with the ETag storage must hold.</summary>
    private protected static (LiveSnapshot Snapshot, string? ExpectedETag) Take(LiveRecord record)
    {
        lock (record)
        {
            var snapshot = record.Next!;
            record.Next = null;
            return (snapshot, record.ETag);
        }
    }

    /// <summary>Stored: the next write expects <paramref name="newETag"/>; a snapshot staged meanwhile goes next.</summary>
    private protected void Stored(LiveRecord record, LiveSnapshot snapshot, string newETag)
    {
        bool more;
        lock (record)
        {
            record.ETag = newETag;
            more = record.Next is not null;
            record.Queued = more;
        }
        metrics.StorageFlushDuration.Record(Stopwatch.GetElapsedTime(snapshot.StagedAt).TotalSeconds, Mode(snapshot), Kind(snapshot));
        if (more)
        {
            Submit(record);
        }
        else
        {
            Done();
        }
        snapshot.Done.TrySetResult();
    }

    /// <summary>Refused: another activation wrote since. Nothing more is written for this record.</summary>
    private protected void Refused(LiveRecord record, LiveSnapshot snapshot)
    {
        LiveSnapshot? waiting;
        lock (record)
        {
            record.Conflicted = true;
            record.Queued = false;
            waiting = record.Next;
            record.Next = null;
        }
        Done();
        var stale = new InconsistentStateException($"{snapshot.Key} was written by another activation: this one is stale.");
        snapshot.Done.TrySetException(stale);
        waiting?.Done.TrySetException(stale);
    }

    /// <summary>Not stored (storage unreachable): the snapshot, or a newer one carrying its events, is tried again later.</summary>
    private protected void Failed(LiveRecord record, LiveSnapshot snapshot, Exception failure)
    {
        metrics.StorageFlushFailures.Add(1, Mode(snapshot), Kind(snapshot));
        var waiters = snapshot.Done;
        lock (record)
        {
            if (record.Next is { } newer)
            {
                snapshot.CarryInto(newer);
            }
            else
            {
                record.Next = snapshot.Retry();
            }
        }
        waiters.TrySetException(failure);
        _ = RetryLaterAsync(record);
    }

    private async Task RetryLaterAsync(LiveRecord record)
    {
        await Task.Delay(retryDelay, clock).ConfigureAwait(false);
        Submit(record);
    }

    private static KeyValuePair<string, object?> Mode(LiveSnapshot snapshot) => snapshot.Durable ? DurableMode : BehindMode;

    private static KeyValuePair<string, object?> Kind(LiveSnapshot snapshot) => new("kind", snapshot.StateName);

    internal static readonly KeyValuePair<string, object?> DurableMode = new("mode", "durable");
    internal static readonly KeyValuePair<string, object?> BehindMode = new("mode", "behind");

    private void Done()
    {
        Interlocked.Decrement(ref _unwritten);
        metrics.StoragePending.Add(-1);
    }

    private static InconsistentStateException Stale(GrainId grainId, string stateName) =>
        new($"{grainId} ({stateName}) was written by another activation: this one is stale.");
}
