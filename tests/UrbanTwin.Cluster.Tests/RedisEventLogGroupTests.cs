using StackExchange.Redis;
using UrbanTwin.Contracts.Events;
using UrbanTwin.EventLog;

namespace UrbanTwin.Cluster.Tests;

/// <summary>The consumer groups webhooks read the event log with, against a real redis-server.</summary>
public sealed class RedisEventLogGroupTests : IAsyncLifetime
{
    private const string ServiceId = "group-tests";
    private readonly string _directory = Directory.CreateTempSubdirectory("urbantwin-groups-").FullName;
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(_directory);
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private async Task AppendAsync(int count, int from = 0)
    {
        var db = _connection.GetDatabase();
        for (var i = from; i < from + count; i++)
        {
            var asset = $"asset-{i % 40}";
            var e = new TwinEvent($"{asset}/status@{i}", TwinEventTypes.AssetStatus, DateTimeOffset.UnixEpoch, "d", asset, "gas-pipeline");
            await db.StreamAddAsync(EventStreams.Key(ServiceId, EventStreams.PartitionOf(asset)), [new("type", e.Type), new("event", EventJson.Serialize(e))]);
        }
    }

    [Fact]
    public async Task Everything_a_read_takes_is_handed_out_so_acknowledging_each_batch_leaves_nothing_pending()
    {
        var log = new RedisEventLog(() => _connection.GetDatabase(), ServiceId);
        await AppendAsync(5); // before the group: not for it
        await log.CreateGroupAsync("g");
        await AppendAsync(300, from: 5);

        var handed = new List<string>();
        for (IReadOnlyList<LoggedEvent> batch; (batch = await log.ReadGroupAsync("g", again: false, max: 7)).Count > 0;)
        {
            handed.AddRange(batch.Select(e => e.Event.Id));
            await log.AckAsync("g", batch);
        }

        Assert.Equal(300, handed.Count);
        Assert.Equal(300, handed.Distinct().Count());
        Assert.DoesNotContain(handed, id => id.EndsWith("@0", StringComparison.Ordinal));
        var progress = await log.ProgressAsync("g");
        Assert.Equal((0L, 0L), (progress.Pending, progress.Unread));
    }

    [Fact]
    public async Task What_was_taken_and_not_acknowledged_is_handed_out_again_in_order_and_deleting_the_group_releases_the_log()
    {
        var log = new RedisEventLog(() => _connection.GetDatabase(), ServiceId + "-2");
        await log.CreateGroupAsync("g");
        var db = _connection.GetDatabase();
        var asset = "asset-1";
        var key = EventStreams.Key(ServiceId + "-2", EventStreams.PartitionOf(asset));
        for (var i = 0; i < 5; i++)
        {
            var e = new TwinEvent($"{asset}/status@{i}", TwinEventTypes.AssetStatus, DateTimeOffset.UnixEpoch, "d", asset, "gas-pipeline");
            await db.StreamAddAsync(key, [new("type", e.Type), new("event", EventJson.Serialize(e))]);
        }

        var taken = await log.ReadGroupAsync("g", again: false, max: 100);
        await log.AckAsync("g", taken.Take(2).ToList());
        // A new reader (the subscription after its silo died) takes up what its predecessor left, in order.
        var again = await log.ReadGroupAsync("g", again: true, max: 100);
        Assert.Equal(["asset-1/status@2", "asset-1/status@3", "asset-1/status@4"], again.Select(e => e.Event.Id));
        Assert.Equal(3, (await log.ProgressAsync("g")).Pending);

        await log.DeleteGroupAsync("g");
        Assert.Empty(await db.StreamGroupInfoAsync(key));
    }
}
