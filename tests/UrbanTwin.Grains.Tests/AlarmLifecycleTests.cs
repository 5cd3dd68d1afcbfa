using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Grains.Tests;

/// <summary>Alarm episodes on a gas asset (warning at 25 % LEL, alarm at 50 %, bands 2.5 and 5) and their listing by the district.</summary>
[Collection(ClusterCollection.Name)]
public class AlarmLifecycleTests(ClusterFixture fixture)
{
    private const string District = "jinzhong-yuci";
    private DateTimeOffset _ts = DateTimeOffset.UtcNow.AddMinutes(-5);

    private async Task<IAssetGrain> NewGasAsset(string id)
    {
        var grain = fixture.Client.GetGrain<IAssetGrain>(id);
        await grain.Register(new AssetDefinition(id, "gas-pipeline", District, "test valve well", new GeoPoint(112.75, 37.68), 60, [], []));
        return grain;
    }

    private async Task<AlarmRecord[]> Send(IAssetGrain grain, double lel)
    {
        _ts = _ts.AddSeconds(1);
        Assert.True((await grain.Apply([new Reading(_ts, null, [new MetricSample("gasLel", lel)])]))[0].IsAccepted);
        return (await grain.Get())!.Alarms;
    }

    [Fact]
    public async Task One_alarm_escalates_de_escalates_is_acknowledged_and_clears_and_the_next_episode_is_a_new_alarm()
    {
        var grain = await NewGasAsset("test-alarm-gas-1");
        var raised = Assert.Single(await Send(grain, 30));
        Assert.Equal((AlarmState.Active, AlarmLevel.Warning, 30.0, "gasLel"), (raised.State, raised.Level, raised.Value, raised.Metric));
        Assert.Equal(District, raised.NodeId);
        Assert.Equal("test-alarm-gas-1", AlarmRecord.AssetOf(raised.Id));

        var escalated = Assert.Single(await Send(grain, 60));
        Assert.Equal((raised.Id, AlarmLevel.Alarm, AlarmLevel.Alarm, raised.RaisedAt), (escalated.Id, escalated.Level, escalated.PeakLevel, escalated.RaisedAt));

        var eased = Assert.Single(await Send(grain, 30));
        Assert.Equal((raised.Id, AlarmLevel.Warning, AlarmLevel.Alarm), (eased.Id, eased.Level, eased.PeakLevel));

        var ack = await grain.Acknowledge(raised.Id, "duty officer", "crew sent");
        Assert.Equal(AcknowledgeOutcome.Acknowledged, ack.Outcome);
        Assert.Equal((AlarmState.Acknowledged, "duty officer", "crew sent"), (ack.Alarm!.State, ack.Alarm.AcknowledgedBy, ack.Alarm.Comment));
        var again = await grain.Acknowledge(raised.Id, "someone else", null);
        Assert.Equal(AcknowledgeOutcome.AlreadyAcknowledged, again.Outcome);
        Assert.Equal((ack.Alarm.AcknowledgedAt, "duty officer"), (again.Alarm!.AcknowledgedAt, again.Alarm.AcknowledgedBy));

        var cleared = Assert.Single(await Send(grain, 5));
        Assert.Equal((raised.Id, AlarmState.Cleared, _ts, 5.0), (cleared.Id, cleared.State, cleared.ClearedAt, cleared.Value));
        Assert.Equal(AcknowledgeOutcome.Cleared, (await grain.Acknowledge(raised.Id, "duty officer", null)).Outcome);
        Assert.Equal(AcknowledgeOutcome.NotFound, (await grain.Acknowledge("test-alarm-gas-1:gasLel:99", "duty officer", null)).Outcome);

        var alarms = await Send(grain, 31);
        Assert.Equal(2, alarms.Length);
        var next = alarms.Single(a => a.IsOpen);
        Assert.NotEqual(raised.Id, next.Id);

        // The district lists both, newest first, and filters by state and level.
        var listed = await Eventually.Until(
            () => fixture.Client.GetGrain<IDistrictGrain>(District).SearchAlarms(new AlarmQuery(null, null, null, null, 100)),
            found => found.Count(a => a.AssetId == "test-alarm-gas-1") == 2 && found.Any(a => a.Id == next.Id), TimeSpan.FromSeconds(5),
            "both alarms listed by the district");
        Assert.Equal([next.Id, raised.Id], listed.Where(a => a.AssetId == "test-alarm-gas-1").Select(a => a.Id));
        var clearedOnly = await fixture.Client.GetGrain<IDistrictGrain>(District).SearchAlarms(new AlarmQuery(AlarmState.Cleared, null, null, null, 100));
        Assert.Contains(clearedOnly, a => a.Id == raised.Id);
        Assert.DoesNotContain(clearedOnly, a => a.Id == next.Id);

        // Every transition is in the event log, in order, once: written with the state (no waiting needed).
        var logged = (await fixture.Live.Events.ReadSinceAsync(DateTimeOffset.UnixEpoch, 100_000))
            .Select(e => e.Event).Where(e => e.AssetId == "test-alarm-gas-1").ToList();
        Assert.Equal(
        [
            "alarm.raised", "asset.status normal→warning", "alarm.escalated", "asset.status warning→alarm", "alarm.deescalated",
            "asset.status alarm→warning", "alarm.acknowledged", "alarm.cleared", "asset.status warning→normal", "alarm.raised", "asset.status normal→warning",
        ], logged.Select(e => e.Status is { } status ? $"{e.Type} {e.PreviousStatus!.Value.ToString().ToLowerInvariant()}→{status.ToString().ToLowerInvariant()}" : e.Type));
        Assert.Equal(logged.Count, logged.Select(e => e.Id).Distinct().Count());
        Assert.All(logged.Where(e => e.Alarm is not null), e => Assert.Equal(District, e.NodeId));
        Assert.Equal([raised.Id, raised.Id, raised.Id, raised.Id, raised.Id, next.Id], logged.Where(e => e.Alarm is not null).Select(e => e.Alarm!.Id));
    }

    [Fact]
    public async Task A_value_hovering_at_a_threshold_keeps_one_alarm_instead_of_a_stream()
    {
        var grain = await NewGasAsset("test-alarm-gas-2");
        foreach (var lel in new[] { 25.5, 24.0, 25.2, 23.5, 26.0, 23.0 }) // all above 25 − 2.5 once raised
        {
            await Send(grain, lel);
        }
        var alarm = Assert.Single((await grain.Get())!.Alarms);
        Assert.Equal(AlarmState.Active, alarm.State);
        Assert.Single(await Send(grain, 22.4)); // past the band: cleared, still one record
        Assert.Equal(AlarmState.Cleared, (await grain.Get())!.Alarms[0].State);
    }

    [Fact]
    public void Alarm_ids_carry_their_asset()
    {
        Assert.Equal("a-b.c", AlarmRecord.AssetOf(AlarmRecord.NewId("a-b.c", "gasLel", 3)));
        Assert.Null(AlarmRecord.AssetOf("no-colons"));
        Assert.Null(AlarmRecord.AssetOf(":gasLel:1"));
        Assert.Null(AlarmRecord.AssetOf("asset:gasLel:"));
    }
}
