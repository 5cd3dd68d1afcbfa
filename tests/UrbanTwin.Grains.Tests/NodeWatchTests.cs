using System.Collections.Concurrent;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Grains.Tests;

/// <summary>Nodes push to their watchers (grain observers): events of the assets below at every level, summaries as they change.</summary>
[Collection(ClusterCollection.Name)]
public class NodeWatchTests(ClusterFixture fixture)
{
    private const string District = "jinzhong-taigu";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private sealed class Watcher : INodeObserver
    {
        public ConcurrentQueue<TwinEvent> Events { get; } = new();
        public ConcurrentQueue<NodeSummary> Summaries { get; } = new();

        public Task NodeChanged(NodeSummary summary)
        {
            Summaries.Enqueue(summary);
            return Task.CompletedTask;
        }

        public Task Happened(TwinEvent[] events)
        {
            foreach (var e in events)
            {
                Events.Enqueue(e);
            }
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task An_alarm_reaches_the_watchers_of_its_district_and_of_the_province_and_an_unwatched_one_gets_nothing_more()
    {
        var (atDistrict, atProvince) = (new Watcher(), new Watcher());
        var districtRef = fixture.Client.CreateObjectReference<INodeObserver>(atDistrict);
        var provinceRef = fixture.Client.CreateObjectReference<INodeObserver>(atProvince);
        var district = fixture.Client.GetGrain<IDistrictGrain>(District);
        var province = fixture.Client.GetGrain<IProvinceGrain>("shanxi");
        var first = await district.Watch(districtRef);
        Assert.False(first.WasWatching);
        Assert.Equal(District, first.Summary!.Id);
        Assert.True((await district.Watch(districtRef)).WasWatching); // a renewal
        await province.Watch(provinceRef);

        var asset = fixture.Client.GetGrain<IAssetGrain>("test-watch-gas-1");
        await asset.Register(new AssetDefinition("test-watch-gas-1", "gas-pipeline", District, "watched valve well", new GeoPoint(112.55, 37.42), 60, [], []));
        var alarmsBefore = first.Summary.ActiveAlarms.Alarm;
        Assert.True((await asset.Apply([new Reading(DateTimeOffset.UtcNow, null, [new MetricSample("gasLel", 70)])]))[0].IsAccepted);

        foreach (var watcher in new[] { atDistrict, atProvince })
        {
            await Eventually.Until(() => Task.FromResult(watcher.Events.ToArray()),
                events => events.Any(e => e.AssetId == "test-watch-gas-1" && e.Type == TwinEventTypes.AlarmRaised)
                    && events.Any(e => e.AssetId == "test-watch-gas-1" && e.Type == TwinEventTypes.AssetStatus && e.Status == AssetStatus.Alarm),
                Deadline, "the raised alarm and the status change pushed to the watcher");
        }
        await Eventually.Until(() => Task.FromResult(atDistrict.Summaries.ToArray()),
            summaries => summaries.Any(s => s.Id == District && s.ActiveAlarms.Alarm == alarmsBefore + 1), Deadline, "the district's new summary pushed");

        await district.Unwatch(districtRef);
        var seen = atDistrict.Events.Count;
        Assert.True((await asset.Apply([new Reading(DateTimeOffset.UtcNow.AddSeconds(1), null, [new MetricSample("gasLel", 2)])]))[0].IsAccepted);
        await Eventually.Until(() => Task.FromResult(atProvince.Events.ToArray()),
            events => events.Any(e => e.AssetId == "test-watch-gas-1" && e.Type == TwinEventTypes.AlarmCleared), Deadline, "the clearing at the province");
        Assert.Equal(seen, atDistrict.Events.Count); // the district's former watcher heard nothing of it
        await province.Unwatch(provinceRef);
        fixture.Client.DeleteObjectReference<INodeObserver>(districtRef);
        fixture.Client.DeleteObjectReference<INodeObserver>(provinceRef);
    }
}
