using Microsoft.Extensions.DependencyInjection;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.History;
using UrbanTwin.Grains.Scheduling;
using UrbanTwin.Demo;
using UrbanTwin.Grains.Storage;
using UrbanTwin.Grains.Topology;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Simulator.Bench;

/// <summary>
/// Managed heap per asset: in the benchmark's own silo, <c>count</c> assets are registered (copies of the
/// reference assets, spread over the 117 districts) and given a full history (<see cref="HistoryOptions.ReadingsPerMetric"/>
/// readings of every metric); the heap after a full collection, less the heap before, divided by the count. It
/// includes everything an asset costs in a silo: its activation, state, history, its district's contribution. It
/// is taken once the write-behind has drained (no write waiting for its window or for Redis), as for assets
/// between two readings; earlier, serialized states still queued for Redis counted, by a varying amount.
/// </summary>
public static class MemoryProbe
{
    public sealed record Result(int Assets, long HeapBytesBefore, long HeapBytesAfter, double BytesPerAsset);

    public static async Task<Result> RunAsync(IServiceProvider silo, int count)
    {
        var grains = silo.GetRequiredService<IGrainFactory>();
        var nodes = ReferenceTopology.Load();
        var import = await grains.ByKey<ITopologyGrain>(ITopologyGrain.Key).Import(nodes);
        if (!import.Succeeded)
        {
            throw new InvalidOperationException("the reference topology did not import");
        }
        var templates = AssetPlan.For(nodes).ToArray();
        var before = Heap();

        var readingsPerMetric = new HistoryOptions().ReadingsPerMetric;
        var start = DateTimeOffset.UtcNow.AddSeconds(-readingsPerMetric);
        // District by district, as the gateway's bulk registration does: the registrations in flight together share
        // their district's membership write. Round-robin over the districts, each write carried one registration.
        var byDistrict = Enumerable.Range(0, count).OrderBy(i => templates[i % templates.Length].NodeId, StringComparer.Ordinal);
        await Parallel.ForEachAsync(byDistrict, new ParallelOptions { MaxDegreeOfParallelism = 128 }, async (i, _) =>
        {
            var template = templates[i % templates.Length];
            var asset = template with { Id = i < templates.Length ? template.Id : $"{template.Id}-m{i / templates.Length}" };
            var grain = grains.ByKey<IAssetGrain>(asset.Id);
            await grain.Register(asset);
            var random = new Random(i);
            var readings = Enumerable.Range(0, readingsPerMetric)
                .Select(k => new Reading(start.AddSeconds(k), null, ReadingGenerator.Generate(asset.Kind, random))).ToArray();
            await grain.Apply(readings);
        });

        await WriteBehindDrainedAsync(silo); // every write-behind waiting for its window or for Redis
        var after = Heap();

        // A figure per asset means nothing unless every asset is still active.
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var active = statistics.Where(s => s.GrainType.Contains("AssetGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        if (active < count)
        {
            throw new InvalidOperationException($"only {active:N0} of {count:N0} assets were active when the heap was measured");
        }
        return new Result(count, before, after, (after - before) / (double)count);
    }

    private static async Task WriteBehindDrainedAsync(IServiceProvider silo)
    {
        var sweeper = silo.GetRequiredService<DueWorkSweeper>();
        var store = silo.GetRequiredService<LiveStore>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        var quietPolls = 0;
        // Twice in a row: a wake-up call just sent has not yet handed its write to the store.
        while (quietPolls < 2)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the write-behind did not drain: {sweeper.Watched} grains with work due, {store.Unwritten} writes unconfirmed");
            }
            await Task.Delay(200);
            quietPolls = sweeper.Watched == 0 && store.Unwritten == 0 ? quietPolls + 1 : 0;
        }
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
