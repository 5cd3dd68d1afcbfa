using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.Hosting;
using UrbanTwin.Grains.Seeding;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Tests;

/// <summary>A cluster whose periodic publish is 30 s: anything that reaches the province sooner went up the urgent way.</summary>
public sealed class SlowPublishClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan PublishInterval = TimeSpan.FromSeconds(30);

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public SharedLiveStore Live { get; } = new();

    public async Task InitializeAsync()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rollup:PublishInterval"] = PublishInterval.ToString(),
            ["Rollup:UrgentDelay"] = "00:00:00.010",
        }).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Default);
            Live.AddTo(silo);
            silo.AddUrbanTwinGrains(settings);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await new ReferenceSeeder(Cluster.Client, NullLogger<ReferenceSeeder>.Instance).SeedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Alarms at once: a status or alarm change goes up the tree right away (coalesced per node for
/// Rollup:UrgentDelay), while value-only changes keep the publish interval.
/// </summary>
public sealed class UrgentRollupTests(SlowPublishClusterFixture fixture) : IClassFixture<SlowPublishClusterFixture>
{
    private IGrainFactory Grains => fixture.Cluster.Client;

    [Fact]
    public async Task An_alarm_and_its_clearing_reach_the_province_long_before_one_publish_interval()
    {
        const string assetId = "datong-yanggao-gas-001";
        var province = Grains.ByKey<IProvinceGrain>("shanxi");
        // The seeding's registrations went up urgently too: the province already counts every asset.
        var before = await Eventually.Until(() => province.GetSummary(), s => s!.Assets.Total > 4000, SlowPublishClusterFixture.PublishInterval / 2, "the seeded province");

        Assert.True((await Grains.ByKey<IAssetGrain>(assetId).Apply([new Reading(DateTimeOffset.UtcNow, null, [new MetricSample("gasLel", 60)])]))[0].IsAccepted);
        // Four levels at the periodic interval would take at least two minutes: half of one interval is the bound.
        await Eventually.Until(() => province.GetSummary(), s => s!.ActiveAlarms.Alarm == before!.ActiveAlarms.Alarm + 1,
            SlowPublishClusterFixture.PublishInterval / 2, "the alarm at the province");

        Assert.True((await Grains.ByKey<IAssetGrain>(assetId).Apply([new Reading(DateTimeOffset.UtcNow, null, [new MetricSample("gasLel", 1)])]))[0].IsAccepted);
        await Eventually.Until(() => province.GetSummary(), s => s!.ActiveAlarms.Alarm == before!.ActiveAlarms.Alarm,
            SlowPublishClusterFixture.PublishInterval / 2, "the clearing at the province");
    }
}
