using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Demo;
using UrbanTwin.Grains.Topology;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Gateway.Tests.Reads;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement
{
    public const string Name = "memory measurement";
}

/// <summary>
/// What the last-seen cache costs per item, measured on the gateway's real asset states (alone: heap figures of a
/// process running other tests in parallel would be noise). docs/operations.md quotes the figures it prints.
/// </summary>
[Collection(MemoryMeasurement.Name)]
public sealed class LastSeenMemoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_cached_asset_costs_its_snapshot_and_a_bounded_entry()
    {
        await using var gateway = new GatewayFixture();
        await gateway.InitializeAsync();
        var grains = gateway.Services.GetRequiredService<IGrainFactory>();
        var ids = AssetPlan.For(ReferenceTopology.Load()).Select(a => a.Id).ToArray();

        // A cluster gateway holds what it deserialized from a silo's answer: a copy of its own, as made here.
        var serializer = gateway.Services.GetRequiredService<Orleans.Serialization.Serializer<AssetSnapshot?>>();
        var answers = new byte[ids.Length][];
        for (var i = 0; i < ids.Length; i++)
        {
            answers[i] = serializer.SerializeToArray(await grains.ByKey<IAssetGrain>(ids[i]).Get());
        }
        var before = Heap();
        var snapshots = new AssetSnapshot?[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            snapshots[i] = serializer.Deserialize(answers[i]);
        }
        var withSnapshots = Heap();
        var reads = new LastSeenReads(Microsoft.Extensions.Options.Options.Create(new ReadOptions()), new FakeTimeProvider());
        for (var i = 0; i < ids.Length; i++)
        {
            var snapshot = snapshots[i];
            await reads.GetAsync("asset:" + ids[i], () => Task.FromResult(snapshot));
        }
        var withCache = Heap();

        var snapshotBytes = (withSnapshots - before) / ids.Length;
        var entryBytes = (withCache - withSnapshots) / ids.Length;
        output.WriteLine($"{ids.Length} assets: an asset's state as a cluster gateway holds it {snapshotBytes} B, the cache entry around it {entryBytes} B");
        GC.KeepAlive(snapshots);
        GC.KeepAlive(reads);
        Assert.Equal(ids.Length, reads.Count);
        Assert.InRange(entryBytes, 1, 600);
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
