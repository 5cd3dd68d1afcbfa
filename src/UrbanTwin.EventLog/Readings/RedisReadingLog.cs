using StackExchange.Redis;

namespace UrbanTwin.EventLog.Readings;

/// <summary>
/// Cluster mode's reading log: the streams the live store's group commit appends history rows to
/// (<see cref="ReadingStreams"/>), read with <c>XREADGROUP</c> and acknowledged, counted out of the backlog and trimmed
/// in one script, so the backlog counter and the stream always agree.
/// </summary>
public sealed class RedisReadingLog(Func<IDatabase> redis, string serviceId) : IReadingLog
{
    // KEYS[1] stream, KEYS[2] its backlog counter; ARGV[1] group; then per entry its id and row count. An entry
    // acknowledged for the first time leaves the backlog; the stream keeps nothing up to the newest one.
    private const string AckScript =
        """
        local rows = 0
        local newest = nil
        for i = 2, #ARGV, 2 do
          if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
            rows = rows + tonumber(ARGV[i + 1])
          end
          newest = ARGV[i]
        end
        if rows > 0 then
          redis.call('DECRBY', KEYS[2], rows)
        end
        if newest then
          local dash = string.find(newest, '-')
          local ms, seq = string.sub(newest, 1, dash - 1), tonumber(string.sub(newest, dash + 1))
          redis.call('XTRIM', KEYS[1], 'MINID', ms .. '-' .. (seq + 1))
        end
        return rows
        """;

    public async Task<IReadOnlyList<ReadingEntry>> ReadAsync(int partition, bool again, int max, CancellationToken cancellationToken = default)
    {
        var db = redis();
        var key = ReadingStreams.Key(serviceId, partition);
        var from = again ? StreamPosition.Beginning : StreamPosition.NewMessages;
        StreamEntry[] entries;
        try
        {
            entries = await db.StreamReadGroupAsync(key, ReadingStreams.Group, RedisEventLog.Reader, from, max).WaitAsync(cancellationToken);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // From the stream's start: rows logged before the writer first came are still the store's to take.
            try
            {
                await db.StreamCreateConsumerGroupAsync(key, ReadingStreams.Group, StreamPosition.Beginning, createStream: true);
            }
            catch (RedisServerException busy) when (busy.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
            {
                // created meanwhile
            }
            entries = await db.StreamReadGroupAsync(key, ReadingStreams.Group, RedisEventLog.Reader, from, max).WaitAsync(cancellationToken);
        }
        return [.. entries.Where(e => !e.IsNull && !e["rows"].IsNull).Select(e =>
            new ReadingEntry(partition, e.Id!, (int)e["n"], (byte[])e["rows"]!))];
    }

    public async Task AckAsync(int partition, IReadOnlyList<ReadingEntry> entries, CancellationToken cancellationToken = default)
    {
        if (entries.Count == 0)
        {
            return;
        }
        var args = new List<RedisValue>(1 + entries.Count * 2) { ReadingStreams.Group };
        foreach (var entry in entries)
        {
            args.Add(entry.Position);
            args.Add(entry.Count);
        }
        await redis().ScriptEvaluateAsync(AckScript,
            [ReadingStreams.Key(serviceId, partition), ReadingStreams.BacklogKey(serviceId, partition)], [.. args]).WaitAsync(cancellationToken);
    }

    public async Task<ReadingBacklog> BacklogAsync(CancellationToken cancellationToken = default)
    {
        var keys = Enumerable.Range(0, ReadingStreams.Partitions).Select(p => (RedisKey)ReadingStreams.BacklogKey(serviceId, p))
            .Append(ReadingStreams.DroppedKey(serviceId)).ToArray();
        var values = await redis().StringGetAsync(keys).WaitAsync(cancellationToken);
        var counts = values.Select(v => v.TryParse(out long n) ? n : 0).ToArray();
        return new ReadingBacklog(counts[..^1].Sum(), counts[^1]);
    }
}
