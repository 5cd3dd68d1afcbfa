using UrbanTwin.Contracts.Storage;
using System.Text.Json;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization.Activators;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using StackExchange.Redis;
using UrbanTwin.Cluster.Tests.Harness;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Events;
using UrbanTwin.EventLog;
using UrbanTwin.EventLog.Readings;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// The group-commit live store against a real redis-server: batching, ETags, outages, the key layout, and the event
/// streams written in the same step as the state (an event exists exactly when its state was written).
/// </summary>
public sealed class RedisLiveStoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string StateName = "asset";
    private const string ServiceId = "test-service";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "urbantwin-storage-" + Guid.NewGuid().ToString("N")[..8]);
    private RedisServer _redis = null!;

    public sealed class Sample
    {
        public string Text { get; set; } = "";
        public double Value { get; set; }
    }

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync(_directory);

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Concurrent_writes_of_many_grains_share_round_trips_and_read_back_exactly()
    {
        await using var store = await StartStoreAsync();
        var grains = Enumerable.Range(0, 2000).Select(i => GrainId.Create("asset", $"grain-{i}")).ToArray();

        await Task.WhenAll(grains.Select((id, i) => store.WriteAsync(StateName, id, new LiveRecord(), new Sample { Text = id.ToString(), Value = i })));

        var (roundTrips, writes) = store.Counters;
        Assert.Equal(grains.Length, writes);
        Assert.True(roundTrips * 4 <= writes, $"{writes} writes took {roundTrips} round trips: they were not grouped");

        await using var reader = await StartStoreAsync();
        for (var i = 0; i < grains.Length; i++)
        {
            var state = await reader.ReadAsync<Sample>(StateName, grains[i], new LiveRecord());
            Assert.Equal((grains[i].ToString(), (double)i), (state.Text, state.Value));
        }
    }

    [Fact]
    public async Task A_write_from_a_stale_copy_is_refused_changes_nothing_and_logs_nothing()
    {
        await using var store = await StartStoreAsync();
        var id = GrainId.Create("asset", "contested");
        var first = new LiveRecord();
        await store.ReadAsync<Sample>(StateName, id, first);
        var stale = new LiveRecord();
        await store.ReadAsync<Sample>(StateName, id, stale);
        await store.WriteAsync(StateName, id, first, new Sample { Text = "first" }, [Event("contested", 1)]);
        await store.WriteAsync(StateName, id, first, new Sample { Text = "second" }, [Event("contested", 2)]);

        // A copy that read before those writes (a duplicate activation, say) must not overwrite them, nor log its event.
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteAsync(StateName, id, stale, new Sample { Text = "stale" }, [Event("contested", 3)]));
        Assert.True(stale.IsConflicted);
        Assert.False(first.IsConflicted);

        var read = await store.ReadAsync<Sample>(StateName, id, new LiveRecord());
        Assert.Equal("second", read.Text);
        var logged = await new RedisEventLog(() => store.Database, ServiceId).ReadSinceAsync(DateTimeOffset.UnixEpoch, 100);
        Assert.Equal(["contested/status@1", "contested/status@2"], logged.Select(e => e.Event.Id));
    }

    [Fact]
    public async Task While_Redis_is_down_a_durable_write_fails_at_once_and_the_store_writes_it_with_its_event_once_Redis_is_back()
    {
        await using var store = await StartStoreAsync();
        var id = GrainId.Create("asset", "outage");
        var record = new LiveRecord();
        await store.ReadAsync<Sample>(StateName, id, record);
        await store.WriteAsync(StateName, id, record, new Sample { Text = "before" }, [Event("outage", 1)]);

        await _redis.StopAsync();
        await Assert.ThrowsAsync<RedisGroupCommitException>(() => store.WriteAsync(StateName, id, record, new Sample { Text = "during" }, [Event("outage", 2)]));
        Assert.True(record.IsUnwritten); // kept, not dropped

        await _redis.StartAsync();
        await Eventually.Until(() => Task.FromResult(record.IsUnwritten), unwritten => !unwritten, TimeSpan.FromSeconds(30), "the kept write after Redis restarted");

        Assert.Equal("during", (await store.ReadAsync<Sample>(StateName, id, new LiveRecord())).Text);
        var logged = await new RedisEventLog(() => store.Database, ServiceId).ReadSinceAsync(DateTimeOffset.UnixEpoch, 100);
        Assert.Equal(["outage/status@1", "outage/status@2"], logged.Select(e => e.Event.Id));
    }

    [Fact]
    public async Task Records_use_the_Orleans_Redis_layout_and_events_are_read_by_a_consumer_group()
    {
        await using var store = await StartStoreAsync();
        var id = GrainId.Create("asset", "layout");
        await store.WriteAsync(StateName, id, new LiveRecord(), new Sample { Text = "x" }, [Event("layout", 1), Event("layout", 2)]);

        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var db = connection.GetDatabase();
        var fields = await db.HashGetAllAsync($"{ServiceId}/state/{id}/{StateName}");
        Assert.Equal(["data", "etag"], fields.Select(f => f.Name.ToString()).Order());

        var stream = EventStreams.Key(ServiceId, EventStreams.PartitionOf("layout"));
        await db.StreamCreateConsumerGroupAsync(stream, "webhooks", "0-0");
        var read = await db.StreamReadGroupAsync(stream, "webhooks", "consumer-1", ">", 10);
        Assert.Equal(["layout/status@1", "layout/status@2"], read.Select(e => EventJson.Deserialize(e["event"]!).Id));
        Assert.All(read, e => Assert.Equal(("asset.status", "district-x", "layout"), (e["type"].ToString(), e["node"].ToString(), e["asset"].ToString())));
        Assert.Equal(2, await db.StreamAcknowledgeAsync(stream, "webhooks", [.. read.Select(e => e.Id)]));
        Assert.Empty(await db.StreamReadGroupAsync(stream, "webhooks", "consumer-1", ">", 10));
    }

    [Fact]
    public async Task The_log_is_trimmed_past_its_retention_only_where_every_consumer_group_has_acknowledged()
    {
        await using var store = await StartStoreAsync();
        var events = Enumerable.Range(1, 100).Select(v => Event("trimmed", v)).ToArray();
        var record = new LiveRecord();
        foreach (var batch in events.Chunk(10))
        {
            await store.WriteAsync(StateName, GrainId.Create("asset", "trimmed"), record, new Sample { Text = "x" }, batch);
        }
        var db = store.Database;
        var stream = EventStreams.Key(ServiceId, EventStreams.PartitionOf("trimmed"));
        var bytes = (long)await db.ExecuteAsync("MEMORY", "USAGE", stream, "SAMPLES", "0");
        output.WriteLine($"{bytes / 100.0:F0} B of Redis memory per logged event (MEMORY USAGE of a stream of 100 status events)");

        // A consumer group (webhooks, say) has read 100 and acknowledged the first 60.
        await db.StreamCreateConsumerGroupAsync(stream, "webhooks", "0-0");
        var read = await db.StreamReadGroupAsync(stream, "webhooks", "w1", ">", 100);
        await db.StreamAcknowledgeAsync(stream, "webhooks", [.. read.Take(60).Select(e => e.Id)]);

        var options = Options.Create(new EventLogOptions { Retention = TimeSpan.FromDays(7) });
        var now = new EventLogTrimmer(store, options, TimeProvider.System, NullLogger<EventLogTrimmer>.Instance);
        Assert.Equal(0, await now.TrimAsync()); // all within the retention
        var weekLater = new EventLogTrimmer(store, options, new ShiftedClock(TimeSpan.FromDays(8)), NullLogger<EventLogTrimmer>.Instance);
        Assert.Equal(60, await weekLater.TrimAsync()); // past the retention, but the group still needs the last 40
        Assert.Equal(40, await db.StreamLengthAsync(stream));

        await db.StreamAcknowledgeAsync(stream, "webhooks", [.. read.Skip(60).Select(e => e.Id)]);
        Assert.Equal(40, await weekLater.TrimAsync());
        Assert.Equal(0, await db.StreamLengthAsync(stream));
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }

    [Fact]
    public async Task History_rows_are_logged_with_their_states_only_and_leave_the_log_when_acknowledged()
    {
        await using var store = await StartStoreAsync();
        var log = new RedisReadingLog(() => store.Database, ServiceId);
        var t0 = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        var grains = Enumerable.Range(0, 50).Select(i => GrainId.Create("asset", $"pipe-{i}")).ToArray();
        await Task.WhenAll(grains.Select((id, i) => store.WriteAsync(StateName, id, new LiveRecord(), new Sample { Value = i }, rows: Rows($"pipe-{i}", t0, i))));

        // A stale copy's write is refused, and so are its rows.
        var contested = GrainId.Create("asset", "pipe-0");
        var stale = new LiveRecord();
        await store.ReadAsync<Sample>(StateName, contested, stale);
        var fresh = new LiveRecord();
        await store.ReadAsync<Sample>(StateName, contested, fresh);
        await store.WriteAsync(StateName, contested, fresh, new Sample { Value = -1 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteAsync(StateName, contested, stale, new Sample(), rows: Rows("pipe-0", t0, 999)));

        var values = new List<UrbanTwin.EventLog.Readings.HistoryValue>();
        for (var partition = 0; partition < ReadingStreams.Partitions; partition++)
        {
            var entries = await log.ReadAsync(partition, again: false, max: 1000);
            values.AddRange(entries.SelectMany(e => HistoryRows.Decode(e.Rows.Span)));
            Assert.All(entries, e => Assert.All(HistoryRows.Decode(e.Rows.Span), v => Assert.Equal(partition, EventStreams.PartitionOf(v.Subject))));
            // Not acknowledged: handed out again; acknowledged: gone, and out of the backlog.
            Assert.Equal(entries.Select(e => e.Position), (await log.ReadAsync(partition, again: true, max: 1000)).Select(e => e.Position));
            await log.AckAsync(partition, entries);
            Assert.Empty(await log.ReadAsync(partition, again: true, max: 1000));
            Assert.Equal(0, await store.Database.StreamLengthAsync(ReadingStreams.Key(ServiceId, partition)));
        }
        Assert.Equal(Enumerable.Range(0, 50).Select(i => ($"pipe-{i}", (double)i)).Order(), values.Select(v => (v.Subject, v.Value)).Order());
        Assert.Equal(new ReadingBacklog(0, 0), await log.BacklogAsync());
    }

    [Fact]
    public async Task Rows_beyond_the_backlog_bound_are_dropped_and_counted_while_their_states_are_written()
    {
        await using var store = await StartStoreAsync();
        var log = new RedisReadingLog(() => store.Database, ServiceId);
        var t0 = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        var perPartition = MaxHistoryBacklog / ReadingStreams.Partitions;
        // One asset, one partition: nobody takes its rows, so the partition fills.
        var id = GrainId.Create("asset", "busy-pipe");
        var record = new LiveRecord();
        for (var i = 0; i < perPartition + 10; i++)
        {
            await store.WriteAsync(StateName, id, record, new Sample { Value = i }, rows: Rows("busy-pipe", t0.AddSeconds(i), i));
        }
        Assert.Equal(perPartition + 9, (await store.ReadAsync<Sample>(StateName, id, new LiveRecord())).Value);
        Assert.Equal(new ReadingBacklog(perPartition, 10), await log.BacklogAsync());
    }

    private static HistoryRows Rows(string assetId, DateTimeOffset ts, double value)
    {
        var rows = new HistoryRows();
        rows.Add(HistoryRowKind.Asset, assetId, ts, [new MetricSample("pressure", value)]);
        return rows;
    }

    private const long MaxHistoryBacklog = 8 * 100;

    private static TwinEvent Event(string assetId, int version) =>
        new($"{assetId}/status@{version}", TwinEventTypes.AssetStatus, DateTimeOffset.UtcNow, "district-x", assetId, "GasPipeline",
            Status: AssetStatus.Warning, PreviousStatus: AssetStatus.Normal);

    private async Task<RedisLiveStore> StartStoreAsync()
    {
        var store = new RedisLiveStore(_redis.ConnectionString,
            new StorageOptions { RedisTimeout = TimeSpan.FromSeconds(2), FlushInterval = TimeSpan.FromMilliseconds(200) }, new EventLogOptions(), MaxHistoryBacklog,
            new JsonStorageSerializer(), new Activators(), new ClusterOptions { ServiceId = ServiceId, ClusterId = "test" }, TimeProvider.System,
            new SiloMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()), NullLogger<RedisLiveStore>.Instance);
        await store.StartAsync(CancellationToken.None);
        return store;
    }

    private sealed class JsonStorageSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input));

        public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span)!;
    }

    private sealed class Activators : IActivatorProvider
    {
        public IActivator<T> GetActivator<T>() => new New<T>();

        private sealed class New<T> : IActivator<T>
        {
            public T Create() => Activator.CreateInstance<T>();
        }
    }
}
