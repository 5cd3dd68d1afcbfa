using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Rollup;

namespace UrbanTwin.Grains.Tests;

/// <summary>The district's column tally against the plain definition: a pass over the latest contributions.</summary>
public sealed class DistrictTallyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly string[] Kinds = ["gas-pipeline", "water-main", "air-quality-station"];
    private static readonly string[][] MetricsOf = [["gasLel", "pressure"], ["pressure", "flow"], ["pm25", "aqi", "o3"]];

    [Fact]
    public void Random_sets_moves_and_removals_give_the_counts_and_statistics_of_a_plain_pass()
    {
        var random = new Random(3);
        var tally = new DistrictTally();
        var latest = new Dictionary<string, AssetContribution>(StringComparer.Ordinal);
        for (var step = 0; step < 5_000; step++)
        {
            var id = $"a{random.Next(300)}";
            if (random.Next(10) == 0)
            {
                tally.Remove(id);
                latest.Remove(id);
            }
            else
            {
                var contribution = Random(random, id);
                tally.Set(contribution);
                latest[id] = contribution;
            }
            if (step % 250 == 0)
            {
                AssertSame(Expected(latest.Values, Now), tally.Summarize(Now));
            }
        }
        AssertSame(Expected(latest.Values, Now), tally.Summarize(Now));
        Assert.Equal(latest.Count, tally.Count);
    }

    [Fact]
    public void An_asset_silent_past_its_deadline_counts_offline_and_its_values_leave_the_statistics()
    {
        var tally = new DistrictTally();
        tally.Set(Contribution("a", "gas-pipeline", AssetStatus.Alarm, silentAfter: Now.AddMinutes(1), ("gasLel", 30)));
        tally.Set(Contribution("b", "gas-pipeline", AssetStatus.Normal, silentAfter: Now.AddMinutes(5), ("gasLel", 2)));

        var before = tally.Summarize(Now);
        Assert.Equal((1, 1, 0), (before.Assets.Normal, before.Assets.Alarm, before.Assets.Offline));
        Assert.Equal(new MetricStats(2, 32, 2, 30), before.Metrics["gasLel"]);

        Assert.False(tally.AnySilencedBetween(Now, Now.AddSeconds(59)));
        Assert.True(tally.AnySilencedBetween(Now, Now.AddMinutes(1)));
        var after = tally.Summarize(Now.AddMinutes(2));
        Assert.Equal((1, 0, 1), (after.Assets.Normal, after.Assets.Alarm, after.Assets.Offline));
        Assert.Equal(new MetricStats(1, 2, 2, 2), after.Metrics["gasLel"]);
        Assert.Equal(2, after.Assets.ByKind["gas-pipeline"]);
    }

    [Fact]
    public void A_metric_an_asset_no_longer_reports_leaves_the_statistics_and_a_freed_slot_is_taken_again()
    {
        var tally = new DistrictTally();
        tally.Set(Contribution("a", "water-main", AssetStatus.Normal, Now.AddHours(1), ("pressure", 0.3), ("flow", 12)));
        tally.Set(Contribution("a", "water-main", AssetStatus.Normal, Now.AddHours(1), ("pressure", 0.4)));
        var summary = tally.Summarize(Now);
        Assert.False(summary.Metrics.ContainsKey("flow"));
        Assert.Equal(new MetricStats(1, 0.4, 0.4, 0.4), summary.Metrics["pressure"]);

        tally.Remove("a");
        tally.Set(Contribution("b", "water-main", AssetStatus.Warning, Now.AddHours(1), ("flow", 3)));
        summary = tally.Summarize(Now);
        Assert.Equal((0, 1, 1), (summary.Assets.Normal, summary.Assets.Warning, summary.Assets.ByKind["water-main"]));
        Assert.Equal(["flow"], summary.Metrics.Keys);
    }

    private static void AssertSame((AssetCounts Assets, AlarmCounts Alarms, Dictionary<string, MetricStats> Metrics) expected,
        (AssetCounts Assets, AlarmCounts Alarms, Dictionary<string, MetricStats> Metrics) actual)
    {
        Assert.Equal((expected.Assets.Normal, expected.Assets.Warning, expected.Assets.Alarm, expected.Assets.Offline),
            (actual.Assets.Normal, actual.Assets.Warning, actual.Assets.Alarm, actual.Assets.Offline));
        Assert.Equal(expected.Assets.ByKind.OrderBy(k => k.Key), actual.Assets.ByKind.OrderBy(k => k.Key));
        Assert.Equal(expected.Alarms, actual.Alarms);
        Assert.Equal(expected.Metrics.Keys.Order(), actual.Metrics.Keys.Order());
        foreach (var (name, stats) in expected.Metrics)
        {
            var other = actual.Metrics[name];
            Assert.Equal((stats.Count, stats.Min, stats.Max), (other.Count, other.Min, other.Max));
            Assert.Equal(stats.Sum, other.Sum, 9); // summed in another order
        }
    }

    /// <summary>The definition, as plainly as it can be written.</summary>
    private static (AssetCounts, AlarmCounts, Dictionary<string, MetricStats>) Expected(IEnumerable<AssetContribution> assets, DateTimeOffset now)
    {
        var list = assets.ToList();
        AssetStatus Effective(AssetContribution a) => a.SilentAfter <= now ? AssetStatus.Offline : a.Status;
        var counts = new AssetCounts(list.Count(a => Effective(a) == AssetStatus.Normal), list.Count(a => Effective(a) == AssetStatus.Warning),
            list.Count(a => Effective(a) == AssetStatus.Alarm), list.Count(a => Effective(a) == AssetStatus.Offline),
            list.GroupBy(a => a.Kind).ToDictionary(g => g.Key, g => g.Count()));
        var alarms = new AlarmCounts(list.Sum(a => a.WarningCount), list.Sum(a => a.AlarmCount));
        var metrics = list.Where(a => Effective(a) != AssetStatus.Offline).SelectMany(a => a.Latest).GroupBy(s => s.Metric)
            .ToDictionary(g => g.Key, g => new MetricStats(g.Count(), g.Sum(s => s.Value), g.Min(s => s.Value), g.Max(s => s.Value)));
        return (counts, alarms, metrics);
    }

    private static AssetContribution Random(Random random, string id)
    {
        var k = random.Next(Kinds.Length);
        var samples = MetricsOf[k].Where(_ => random.Next(4) > 0).Select(m => (m, Math.Round(random.NextDouble() * 100, 2))).ToArray();
        var status = (AssetStatus)random.Next(4); // offline too: a contribution should not carry it, and must count as it if it does
        var silentAfter = Now.AddSeconds(random.Next(-60, 600));
        return Contribution(id, Kinds[k], status, silentAfter, samples) with { WarningCount = random.Next(3), AlarmCount = random.Next(2) };
    }

    private static AssetContribution Contribution(string id, string kind, AssetStatus status, DateTimeOffset silentAfter, params (string Metric, double Value)[] samples) =>
        new(id, kind, id, new GeoPoint(112.5, 37.8), status, 0, 0, silentAfter, 1, [.. samples.Select(s => new MetricSample(s.Metric, s.Value))], Now, []);
}
