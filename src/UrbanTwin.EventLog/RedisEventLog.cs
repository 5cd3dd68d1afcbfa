using StackExchange.Redis;

namespace UrbanTwin.EventLog;

/// <summary>
/// Cluster mode's event log, read from the Redis streams the grains' storage writes (<see cref="EventStreams"/>). For
/// catching up a reader that was away (a live view's <c>Last-Event-ID</c>); consumers that must see every event once
/// use a consumer group on each stream instead (<c>XREADGROUP</c>, <c>XACK</c>).
/// </summary>
public sealed class RedisEventLog(Func<IDatabase> redis, string serviceId) : IEventLog
{
    public async Task<IReadOnlyList<LoggedEvent>> ReadSinceAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default)
    {
        var start = EventStreams.IdAt(since);
        var reads = Enumerable.Range(0, EventStreams.Partitions)
            .Select(p => redis().StreamRangeAsync(EventStreams.Key(serviceId, p), start, "+", max))
            .ToArray();
        var entries = await Task.WhenAll(reads).WaitAsync(cancellationToken);
        return [.. entries
            .SelectMany((partition, p) => partition.Select(entry => ToEvent(p, entry)))
            .OfType<LoggedEvent>()
            .OrderBy(e => StreamId.Parse(e.Position))
            .Take(max)];
    }

    /// <summary>The logged event in a stream entry, or null for an entry that is not one (written by something else).</summary>
    public static LoggedEvent? ToEvent(int partition, StreamEntry entry)
    {
        var json = entry["event"];
        return json.IsNullOrEmpty ? null : new LoggedEvent(partition, entry.Id!, EventJson.Deserialize(json!));
    }
}
