using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Serialization.Activators;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using StackExchange.Redis;
using UrbanTwin.Cluster.Tests.Harness;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Cluster.Tests;

/// <summary>The group-commit grain storage against a real redis-server: batching, ETags, outages and the key layout.</summary>
public sealed class GroupCommitStorageTests : IAsyncLifetime
{
    private const string StateName = "asset";
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
        await using var storage = await StartStorageAsync();
        var grains = Enumerable.Range(0, 2000).Select(i => GrainId.Create("asset", $"grain-{i}")).ToArray();

        await Task.WhenAll(grains.Select((id, i) => storage.WriteStateAsync(StateName, id, new GrainState<Sample>(new Sample { Text = id.ToString(), Value = i }))));

        var (roundTrips, writes) = storage.Counters;
        Assert.Equal(grains.Length, writes);
        Assert.True(roundTrips * 4 <= writes, $"{writes} writes took {roundTrips} round trips: they were not grouped");

        await using var reader = await StartStorageAsync();
        for (var i = 0; i < grains.Length; i++)
        {
            var state = new GrainState<Sample>();
            await reader.ReadStateAsync(StateName, grains[i], state);
            Assert.True(state.RecordExists);
            Assert.NotNull(state.ETag);
            Assert.Equal((grains[i].ToString(), (double)i), (state.State!.Text, state.State.Value));
        }
    }

    [Fact]
    public async Task A_write_from_a_stale_copy_is_refused_and_changes_nothing()
    {
        await using var storage = await StartStorageAsync();
        var id = GrainId.Create("asset", "contested");
        var first = new GrainState<Sample>(new Sample { Text = "first" });
        await storage.WriteStateAsync(StateName, id, first);
        var second = new GrainState<Sample>(new Sample { Text = "second" }) { ETag = first.ETag };
        await storage.WriteStateAsync(StateName, id, second);

        // A copy that still holds the first ETag (a duplicate activation, say) must not overwrite the second write.
        var stale = new GrainState<Sample>(new Sample { Text = "stale" }) { ETag = first.ETag };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, id, stale));
        // Nor may one that never read the record.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, id, new GrainState<Sample>(new Sample { Text = "blind" })));

        var read = new GrainState<Sample>();
        await storage.ReadStateAsync(StateName, id, read);
        Assert.Equal("second", read.State!.Text);
        Assert.Equal(second.ETag, read.ETag);
    }

    [Fact]
    public async Task While_Redis_is_down_writes_fail_instead_of_hanging_and_work_again_once_it_is_back()
    {
        await using var storage = await StartStorageAsync();
        var id = GrainId.Create("asset", "outage");
        var state = new GrainState<Sample>(new Sample { Text = "before" });
        await storage.WriteStateAsync(StateName, id, state);

        await _redis.StopAsync();
        state.State!.Text = "during";
        await Assert.ThrowsAsync<RedisGroupCommitException>(() => storage.WriteStateAsync(StateName, id, state));

        await _redis.StartAsync();
        await Eventually.Until(async () =>
        {
            try
            {
                await storage.WriteStateAsync(StateName, id, state);
                return true;
            }
            catch (RedisGroupCommitException)
            {
                return false; // still reconnecting
            }
        }, ok => ok, TimeSpan.FromSeconds(30), "a write after Redis restarted");

        var read = new GrainState<Sample>();
        await storage.ReadStateAsync(StateName, id, read);
        Assert.Equal("during", read.State!.Text);
    }

    [Fact]
    public async Task Records_use_the_key_and_hash_layout_of_the_Orleans_Redis_provider()
    {
        await using var storage = await StartStorageAsync();
        var id = GrainId.Create("asset", "layout");
        var state = new GrainState<Sample>(new Sample { Text = "x" });
        await storage.WriteStateAsync(StateName, id, state);

        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var fields = await connection.GetDatabase().HashGetAllAsync($"test-service/state/{id}/{StateName}");
        Assert.Equal(["data", "etag"], fields.Select(f => f.Name.ToString()).Order());
        Assert.Equal(state.ETag, fields.Single(f => f.Name == "etag").Value.ToString());
    }

    private async Task<RedisGroupCommitStorage> StartStorageAsync()
    {
        var storage = new RedisGroupCommitStorage("test", _redis.ConnectionString, new StorageOptions { RedisTimeout = TimeSpan.FromSeconds(2) },
            new JsonStorageSerializer(), new ClusterOptions { ServiceId = "test-service", ClusterId = "test" }, new Activators(),
            NullLogger<RedisGroupCommitStorage>.Instance);
        await storage.StartAsync(CancellationToken.None);
        return storage;
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
