using System.Globalization;
using StackExchange.Redis;

namespace UrbanTwin.EventLog;

/// <summary>
/// Cluster mode's event log, read from the Redis streams the grains' storage writes (<see cref="EventStreams"/>). For
/// catching up a reader that was away (a live view's <c>Last-Event-ID</c>), and through Redis consumer groups for
/// consumers that must see every event (<c>XREADGROUP</c>, <c>XACK</c>): a group has one reader, <see cref="Reader"/>,
/// so whichever process reads for it next takes up what an earlier one left pending (Redis keeps the pending list).
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

    /// <summary>The one reader of every group: the group's owner is a single grain activation, wherever it runs.</summary>
    public const string Reader = "reader";

    public async Task CreateGroupAsync(string group, CancellationToken cancellationToken = default)
    {
        var db = redis();
        await Task.WhenAll(Enumerable.Range(0, EventStreams.Partitions).Select(p => CreateGroupAsync(db, EventStreams.Key(serviceId, p), group)))
            .WaitAsync(cancellationToken);
    }

    public async Task DeleteGroupAsync(string group, CancellationToken cancellationToken = default)
    {
        var db = redis();
        await Task.WhenAll(Enumerable.Range(0, EventStreams.Partitions).Select(p => db.StreamDeleteConsumerGroupAsync(EventStreams.Key(serviceId, p), group)))
            .WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LoggedEvent>> ReadGroupAsync(string group, bool again, int max, CancellationToken cancellationToken = default)
    {
        var db = redis();
        var from = again ? StreamPosition.Beginning : StreamPosition.NewMessages;
        var positions = Enumerable.Range(0, EventStreams.Partitions).Select(p => new StreamPosition(EventStreams.Key(serviceId, p), from)).ToArray();
        RedisStream[] streams;
        try
        {
            streams = await db.StreamReadGroupAsync(positions, group, Reader, countPerStream: max).WaitAsync(cancellationToken);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            await CreateGroupAsync(group, cancellationToken); // a stream was deleted (a Redis flush): start again at its end
            streams = await db.StreamReadGroupAsync(positions, group, Reader, countPerStream: max).WaitAsync(cancellationToken);
        }
        // A pending entry that the log has trimmed since comes back empty: it can never be handed out, so it is done.
        var vanished = streams.Select(stream => (stream.Key, Ids: stream.Entries.Where(e => e.IsNull || e["event"].IsNullOrEmpty).Select(e => e.Id).ToArray()))
            .Where(s => s.Ids.Length > 0).ToList();
        foreach (var (key, ids) in vanished)
        {
            await db.StreamAcknowledgeAsync(key, group, ids);
        }
        return [.. streams
            .SelectMany(stream => stream.Entries.Where(e => !e.IsNull).Select(entry => ToEvent(PartitionOf(stream.Key!), entry)))
            .OfType<LoggedEvent>()
            .OrderBy(e => StreamId.Parse(e.Position))]; // all of them: every one read is pending now, and must be handed out
    }

    public async Task AckAsync(string group, IReadOnlyCollection<LoggedEvent> events, CancellationToken cancellationToken = default)
    {
        var db = redis();
        await Task.WhenAll(events.GroupBy(e => e.Partition).Select(partition =>
            db.StreamAcknowledgeAsync(EventStreams.Key(serviceId, partition.Key), group, [.. partition.Select(e => (RedisValue)e.Position)])))
            .WaitAsync(cancellationToken);
    }

    public async Task<GroupProgress> ProgressAsync(string group, CancellationToken cancellationToken = default)
    {
        var db = redis();
        long pending = 0;
        long? unread = 0;
        StreamId? oldest = null;
        for (var p = 0; p < EventStreams.Partitions; p++)
        {
            var key = EventStreams.Key(serviceId, p);
            if (!await db.KeyExistsAsync(key))
            {
                continue;
            }
            var info = (await db.StreamGroupInfoAsync(key).WaitAsync(cancellationToken)).FirstOrDefault(g => g.Name == group);
            if (info.Name is null)
            {
                continue;
            }
            pending += info.PendingMessageCount;
            unread = info.Lag is { } lag && unread is { } sum ? sum + lag : null;
            if (info.PendingMessageCount > 0 && (await db.StreamPendingAsync(key, group)).LowestPendingMessageId is { IsNull: false } lowest)
            {
                var id = StreamId.Parse(lowest!);
                oldest = oldest is { } o ? StreamId.Min(o, id) : id;
            }
        }
        return new GroupProgress(pending, unread, oldest is { } first ? DateTimeOffset.FromUnixTimeMilliseconds(first.Ms) : null);
    }

    private static async Task CreateGroupAsync(IDatabase db, string key, string group)
    {
        try
        {
            await db.StreamCreateConsumerGroupAsync(key, group, StreamPosition.NewMessages, createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // it exists: its position stays where it is
        }
    }

    private int PartitionOf(string key) => int.Parse(key.AsSpan(key.LastIndexOf('/') + 1), CultureInfo.InvariantCulture);
}
