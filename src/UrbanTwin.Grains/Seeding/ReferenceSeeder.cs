using Microsoft.Extensions.Logging;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Demo;
using UrbanTwin.Grains.Topology;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Grains.Seeding;

/// <summary>Imports the reference Shanxi topology and its generated assets. Idempotent: a second run changes nothing.</summary>
public sealed class ReferenceSeeder(IGrainFactory grains, ILogger<ReferenceSeeder> logger)
{
    public async Task<SeedResult> SeedAsync(CancellationToken cancellationToken)
    {
        var nodes = ReferenceTopology.Load();
        var import = await grains.ByKey<ITopologyGrain>(ITopologyGrain.Key).Import(nodes);
        if (!import.Succeeded)
        {
            throw new InvalidOperationException("Seeding the reference topology failed: " +
                string.Join("; ", import.Errors.Select(e => $"{e.Field}: {e.Message}")));
        }

        var assets = AssetPlan.For(nodes).ToArray();
        var outcomes = new RegistrationOutcome[assets.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, assets.Length),
            new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (i, _) => outcomes[i] = await grains.ByKey<IAssetGrain>(assets[i].Id).Register(assets[i]));

        var result = new SeedResult(nodes.Length, assets.Length, outcomes.Count(o => o == RegistrationOutcome.Created));
        logger.LogDebug("Seeded the reference topology: {Nodes} nodes, {Assets} assets ({Created} new)",
            result.Nodes, result.Assets, result.CreatedAssets);
        return result;
    }
}

public sealed record SeedResult(int Nodes, int Assets, int CreatedAssets);
