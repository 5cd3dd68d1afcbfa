using UrbanTwin.Contracts.Events;
using UrbanTwin.EventLog.Readings;

namespace UrbanTwin.Grains.Storage;

/// <summary>
/// One grain's record in a <see cref="LiveStore"/>: the ETag its next write must find, and the snapshot waiting to be
/// written. The store owns it: the grain only hands it to <see cref="LiveStore.WriteAsync{T}"/>, on its own turn.
/// Writes of one record never overlap (the next waits for the one in flight and then carries the latest state), so
/// the ETag chain holds without the grain waiting for storage.
/// </summary>
public sealed class LiveRecord
{
    // Guarded by lock (this): one lock object less per activation.
    internal string? ETag;
    internal LiveSnapshot? Next;
    internal bool Queued; // waiting in the store's queue, in a round trip, or waiting to retry
    internal bool Conflicted;

    /// <summary>A state handed to the store is not yet stored (waiting, in a round trip, or waiting to be tried again).</summary>
    public bool IsUnwritten
    {
        get
        {
            lock (this)
            {
                return Queued;
            }
        }
    }

    /// <summary>True once storage refused a write because another activation wrote since: this one is stale.</summary>
    public bool IsConflicted
    {
        get
        {
            lock (this)
            {
                return Conflicted;
            }
        }
    }
}

/// <summary>A grain's state serialized on its turn, with the events and history rows it records, and everyone waiting for it to be stored.</summary>
internal sealed class LiveSnapshot(GrainId grainId, string key, string stateName, ReadOnlyMemory<byte> payload, IReadOnlyList<TwinEvent>? events,
    HistoryRows? rows)
{
    public string Key { get; } = key;

    /// <summary>
    /// The log partition of the grain's id (an asset's or a node's): its events and history rows go there, so a
    /// consumer sees them in order. Computed when asked: most writes log nothing.
    /// </summary>
    public int Partition => EventLog.EventStreams.PartitionOf(grainId.Key.ToString());
    public string StateName { get; } = stateName;
    /// <summary>When it was first staged (a <see cref="System.Diagnostics.Stopwatch"/> timestamp): its write's duration runs from here.</summary>
    public long StagedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
    /// <summary>Someone waits for it: a durable write. Otherwise write-behind.</summary>
    public bool Durable { get; set; }
    public ReadOnlyMemory<byte> Payload { get; private set; } = payload;
    public List<TwinEvent>? Events { get; private set; } = events is { Count: > 0 } ? [.. events] : null;
    /// <summary>The readings the state accepted, for the reading log; the grain hands them over and keeps no reference.</summary>
    public HistoryRows? Rows { get; private set; } = rows is { Count: > 0 } ? rows : null;
    public TaskCompletionSource Done { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A newer state of the same grain before this one was sent: it carries both snapshots' events and rows, and its waiters too.</summary>
    public void Replace(ReadOnlyMemory<byte> payload, IReadOnlyList<TwinEvent>? events, HistoryRows? rows)
    {
        Payload = payload;
        if (events is { Count: > 0 })
        {
            (Events ??= []).AddRange(events);
        }
        if (rows is { Count: > 0 })
        {
            if (Rows is null)
            {
                Rows = rows;
            }
            else
            {
                Rows.Append(rows);
            }
        }
    }

    /// <summary>This snapshot failed and <paramref name="newer"/> was staged meanwhile: the newer one carries this one's events first.</summary>
    public void CarryInto(LiveSnapshot newer)
    {
        if (Events is { Count: > 0 })
        {
            newer.Events = [.. Events, .. newer.Events ?? []];
        }
        if (Rows is not null)
        {
            if (newer.Rows is { } later)
            {
                Rows.Append(later);
            }
            newer.Rows = Rows;
        }
    }

    /// <summary>The same snapshot, to be tried again; whoever waited for the failed attempt has had its answer.</summary>
    public LiveSnapshot Retry()
    {
        Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return this;
    }
}
