using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;
using UrbanTwin.Grains.Hosting;
using UrbanTwin.Grains.Seeding;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Tests;

/// <summary>An in-process Orleans test cluster with the Shanxi reference data seeded, shared by the grain tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public SharedLiveStore Live { get; } = new();
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Default);
            Live.AddTo(silo);
            silo.AddUrbanTwinGrains(new ConfigurationBuilder().Build());
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await new ReferenceSeeder(Client, NullLogger<ReferenceSeeder>.Instance).SeedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
