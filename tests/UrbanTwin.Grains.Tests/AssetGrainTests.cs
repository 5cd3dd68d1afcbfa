using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class AssetGrainTests(ClusterFixture fixture)
{
    private async Task<IAssetGrain> NewGasAsset(string id)
    {
        var grain = fixture.Client.GetGrain<IAssetGrain>(id);
        var definition = new AssetDefinition(id, "gas-pipeline", "datong-pingcheng", "test valve well", new GeoPoint(113.3, 40.07), 60, [], []);
        Assert.Equal(RegistrationOutcome.Created, await grain.Register(definition));
        Assert.Equal(RegistrationOutcome.Unchanged, await grain.Register(definition));
        return grain;
    }

    private static Reading At(DateTimeOffset ts, long? seq, params (string, double)[] metrics) =>
        new(ts, seq, [.. metrics.Select(m => new MetricSample(m.Item1, m.Item2))]);

    [Fact]
    public async Task Every_stateful_rejection_names_its_reason_and_changes_nothing()
    {
        var grain = await NewGasAsset("test-rejections-gas-1");
        var t = DateTimeOffset.UtcNow.AddSeconds(-30);
        Assert.True((await grain.Apply([At(t, 10, ("gasLel", 30))]))[0].IsAccepted);
        var before = (await grain.Get())!;

        var outcomes = await grain.Apply([
            At(t.AddSeconds(1), 11, ("o2", 20)),                    // not a metric of a gas pipeline
            At(t.AddSeconds(1), 11, ("gasLel", 101)),               // over 100 % LEL
            At(t.AddSeconds(1), 11, ("gasLel", -1)),                // negative
            At(t.AddSeconds(-1), 11, ("gasLel", 60)),               // older than the latest reading
            At(t.AddSeconds(1), 10, ("gasLel", 60)),                // seq already seen
            At(t.AddSeconds(1), 11, ("gasLel", 60), ("o2", 1)),     // one bad metric spoils the whole item
            At(t.AddSeconds(1), 11),                                // no metrics
        ]);
        Assert.Equal(
            [RejectionReasons.UnknownMetric, RejectionReasons.OutOfRange, RejectionReasons.OutOfRange, RejectionReasons.StaleTimestamp,
             RejectionReasons.DuplicateSeq, RejectionReasons.UnknownMetric, RejectionReasons.NoMetrics],
            outcomes.Select(o => o.Reason));

        var after = (await grain.Get())!;
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(30, after.Readings["gasLel"].Value);
        Assert.Equal(AssetStatus.Warning, after.Status);
        Assert.Equal(10, after.LastSeq);
    }

    [Fact]
    public async Task A_redelivered_latest_reading_is_accepted_again_and_changes_nothing_but_a_conflicting_one_is_refused()
    {
        var grain = await NewGasAsset("test-redelivery-gas-1");
        var t = DateTimeOffset.UtcNow.AddSeconds(-30);
        Assert.True((await grain.Apply([At(t, 7, ("gasLel", 12))], Ack.Durable))[0].IsAccepted);
        var before = (await grain.Get())!;

        // A client that lost the answer (timeout, 503) sends the same item again: not an error, not a second update.
        Assert.True((await grain.Apply([At(t, 7, ("gasLel", 12))], Ack.Durable))[0].IsAccepted);
        var after = (await grain.Get())!;
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(12, after.Readings["gasLel"].Value);

        // The same seq and ts with another value is not a retry: it is refused.
        Assert.Equal(RejectionReasons.DuplicateSeq, (await grain.Apply([At(t, 7, ("gasLel", 13))]))[0].Reason);
        // An older reading than the latest is still refused.
        Assert.Equal(RejectionReasons.StaleTimestamp, (await grain.Apply([At(t.AddSeconds(-1), 6, ("gasLel", 12))]))[0].Reason);
        Assert.Equal(12, (await grain.Get())!.Readings["gasLel"].Value);
    }

    [Fact]
    public async Task A_bad_item_does_not_affect_the_good_items_around_it()
    {
        var grain = await NewGasAsset("test-rejections-gas-2");
        var t = DateTimeOffset.UtcNow.AddSeconds(-30);
        var outcomes = await grain.Apply([At(t, 1, ("gasLel", 10)), At(t.AddSeconds(1), 2, ("nope", 1)), At(t.AddSeconds(2), 3, ("gasLel", 55))]);
        Assert.Equal([true, false, true], outcomes.Select(o => o.IsAccepted));
        var state = (await grain.Get())!;
        Assert.Equal(55, state.Readings["gasLel"].Value);
        Assert.Equal(AssetStatus.Alarm, state.Status);
    }

    [Fact]
    public async Task Readings_for_an_unregistered_asset_are_refused()
    {
        var outcomes = await fixture.Client.GetGrain<IAssetGrain>("never-registered-1").Apply([At(DateTimeOffset.UtcNow, null, ("gasLel", 1))]);
        Assert.Equal(RejectionReasons.UnknownAsset, outcomes[0].Reason);
        Assert.Null(await fixture.Client.GetGrain<IAssetGrain>("never-registered-1").Get());
    }

    [Fact]
    public async Task Changing_thresholds_re_derives_the_status()
    {
        var grain = await NewGasAsset("test-thresholds-gas-1");
        await grain.Apply([At(DateTimeOffset.UtcNow, null, ("gasLel", 15))]);
        Assert.Equal(AssetStatus.Normal, (await grain.Get())!.Status);
        var stricter = new AssetDefinition("test-thresholds-gas-1", "gas-pipeline", "datong-pingcheng", "test valve well", new GeoPoint(113.3, 40.07), 60,
            new() { ["gasLel"] = [new(AlarmLevel.Warning, Comparison.Gte, 10, 1), new(AlarmLevel.Alarm, Comparison.Gte, 20, 2)] }, []);
        Assert.Equal(RegistrationOutcome.Updated, await grain.Register(stricter));
        Assert.Equal(AssetStatus.Warning, (await grain.Get())!.Status);
    }
}

[Collection(ClusterCollection.Name)]
public class OfflineTests(ClusterFixture fixture)
{
    [Fact]
    public async Task An_asset_silent_for_three_reporting_intervals_counts_as_offline_until_it_reports_again()
    {
        // A 1-second reporting interval, so three silent intervals pass quickly; the wait is by condition.
        const string id = "test-offline-flood-1";
        var grain = fixture.Client.GetGrain<IAssetGrain>(id);
        await grain.Register(new AssetDefinition(id, "waterlogging-point", "lvliang-lishi", "test underpass", new GeoPoint(111.1, 37.5), 1, [], []));
        var heardFrom = DateTime.UtcNow; // the grain records "last heard" during the call, so not before this
        await grain.Apply([new Reading(DateTimeOffset.UtcNow, null, [new MetricSample("waterDepth", 20)])]);
        var district = fixture.Client.GetGrain<IDistrictGrain>("lvliang-lishi");

        await Eventually.Until(() => grain.Get(), s => s!.Status == AssetStatus.Offline, TimeSpan.FromSeconds(15), "the asset going offline");
        Assert.True(DateTime.UtcNow - heardFrom >= TimeSpan.FromSeconds(3), "offline must not come before three silent intervals");
        var page = await Eventually.Until(() => district.SearchAssets(new AssetQuery(null, AssetStatus.Offline, null, 100)),
            p => p.Items.Any(i => i.Id == id), TimeSpan.FromSeconds(5), "the district counting it offline");
        Assert.Single(page.Items, i => i.Id == id);
        var city = await Eventually.Until(() => fixture.Client.GetGrain<ICityGrain>("lvliang").GetSummary(),
            s => s!.Assets.Offline >= 1, TimeSpan.FromSeconds(5), "the city counting it offline");
        Assert.True(city!.Assets.Offline >= 1);

        await grain.Apply([new Reading(DateTimeOffset.UtcNow, null, [new MetricSample("waterDepth", 0)])]);
        Assert.Equal(AssetStatus.Normal, (await grain.Get())!.Status);
        var after = await district.SearchAssets(new AssetQuery(null, AssetStatus.Offline, null, 100));
        Assert.DoesNotContain(after.Items, i => i.Id == id);
    }
}
