using Orleans.Serialization.Serializers;
using Orleans.Storage;
using UrbanTwin.EventLog;
using UrbanTwin.EventLog.Readings;
using UrbanTwin.Grains.Observability;

namespace UrbanTwin.Grains.Storage;

/// <summary>
/// Embedded mode's <see cref="LiveStore"/>: states and the event log in this process, lost with it, as embedded mode
/// promises. A write is made at once, under one lock with its events' append, so the log and the states agree as they
/// do in Redis; ETags are checked alike, so a stale copy of a grain is refused alike.
/// </summary>
public sealed class InProcessLiveStore(IGrainStorageSerializer serializer, IActivatorProvider activators, TimeProvider clock, InProcessEventLog log,
    SiloMetrics metrics, InProcessReadingLog? readings = null)
    : LiveStore(serializer, activators, clock, TimeSpan.FromSeconds(1), metrics)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (byte[] Payload, string ETag)> _entries = new(StringComparer.Ordinal);
    private long _lastETag;

    protected override Task<(byte[]? Payload, string? ETag)> ReadRawAsync(string key)
    {
        lock (_gate)
        {
            return Task.FromResult<(byte[]?, string?)>(_entries.TryGetValue(key, out var entry) ? (entry.Payload, entry.ETag) : (null, null));
        }
    }

    protected override string Key(string stateName, GrainId grainId) => $"{grainId}/{stateName}";


    protected override void Submit(LiveRecord record)
    {
        var (snapshot, expected) = Take(record);
        string? etag = null; // stays null when a newer write of another activation holds the record
        lock (_gate)
        {
            var held = _entries.TryGetValue(snapshot.Key, out var entry) ? entry.ETag : null;
            if (held == expected)
            {
                etag = (++_lastETag).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _entries[snapshot.Key] = (snapshot.Payload.ToArray(), etag);
                if (snapshot.Events is { Count: > 0 } events)
                {
                    log.Append(events);
                }
                if (snapshot.Rows is { } rows && readings?.Append(snapshot.Partition, rows) == false)
                {
                    Metrics.HistoryRowsDropped.Add(rows.Count);
                }
            }
        }
        if (etag is null)
        {
            Refused(record, snapshot);
        }
        else
        {
            Stored(record, snapshot, etag);
        }
    }
}
