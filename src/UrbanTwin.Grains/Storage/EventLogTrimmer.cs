using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using UrbanTwin.EventLog;

namespace UrbanTwin.Grains.Storage;

/// <summary>
/// Keeps the event log's streams bounded by what its readers still need: every <see cref="EventLogOptions.TrimInterval"/>
/// each partition loses the entries older than <see cref="EventLogOptions.Retention"/> that every consumer group has
/// read and acknowledged (<c>XTRIM MINID</c>). The hard bound, <see cref="EventLogOptions.MaxLengthPerPartition"/>, is
/// applied by every append. Every silo runs one; trimming twice trims nothing more.
/// </summary>
public sealed partial class EventLogTrimmer(RedisLiveStore store, IOptions<EventLogOptions> options, TimeProvider clock, ILogger<EventLogTrimmer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TrimInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TrimAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTrimFailed(ex);
            }
        }
    }

    /// <summary>Trims every partition once; the number of entries removed.</summary>
    public async Task<long> TrimAsync()
    {
        var db = store.Database;
        var horizon = StreamId.Parse(EventStreams.IdAt(clock.GetUtcNow() - options.Value.Retention));
        long trimmed = 0;
        for (var p = 0; p < EventStreams.Partitions; p++)
        {
            var key = EventStreams.Key(store.ServiceId, p);
            if (!await db.KeyExistsAsync(key))
            {
                continue;
            }
            var keep = horizon;
            foreach (var group in await db.StreamGroupInfoAsync(key))
            {
                // What the group still needs: its oldest unacknowledged entry, else everything after its last read.
                var needed = group.PendingMessageCount > 0
                    ? StreamId.Parse((await db.StreamPendingAsync(key, group.Name)).LowestPendingMessageId!)
                    : Successor(StreamId.Parse(group.LastDeliveredId ?? "0-0"));
                keep = StreamId.Min(keep, needed);
            }
            trimmed += (long)await db.ExecuteAsync("XTRIM", key, "MINID", keep.ToString());
        }
        return trimmed;
    }

    private static StreamId Successor(StreamId id) => id with { Seq = id.Seq + 1 };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trimming the event log failed; it is tried again at the next interval")]
    private partial void LogTrimFailed(Exception exception);
}
