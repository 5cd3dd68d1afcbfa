using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Domain.Rollup;

/// <summary>Derives a node's summary from the latest state of its children; pure, so it can be recomputed at will.</summary>
public static class SummaryBuilder
{
    /// <summary>Status as counted: offline once the asset has been silent past its deadline, else its rule status.</summary>
    public static AssetStatus EffectiveStatus(AssetContribution asset, DateTimeOffset now) =>
        asset.SilentAfter <= now ? AssetStatus.Offline : asset.Status;

    /// <summary>
    /// A node's status: the worst of its assets' (alarm, then warning), offline when every asset is silent, and
    /// none for a node without assets. What <c>node.status</c> events announce.
    /// </summary>
    public static AssetStatus? NodeStatus(AssetCounts assets) =>
        assets.Total == 0 ? null
        : assets.Alarm > 0 ? AssetStatus.Alarm
        : assets.Warning > 0 ? AssetStatus.Warning
        : assets.Offline == assets.Total ? AssetStatus.Offline
        : AssetStatus.Normal;

    /// <summary>A district's summary from its assets' latest contributions (see <see cref="DistrictTally"/>).</summary>
    public static NodeSummary ForDistrict(NodeDefinition definition, IEnumerable<AssetContribution> assets, DateTimeOffset now, long version,
        DateTimeOffset changedAt = default)
    {
        var tally = new DistrictTally();
        foreach (var asset in assets)
        {
            tally.Set(asset);
        }
        return ForDistrict(definition, tally, now, version, changedAt);
    }

    public static NodeSummary ForDistrict(NodeDefinition definition, DistrictTally assets, DateTimeOffset now, long version, DateTimeOffset changedAt = default)
    {
        var (counts, alarms, metrics) = assets.Summarize(now);
        return Create(definition, 0, counts, alarms, metrics, IndicatorRollup.Compute(definition.Indicators, [], 0), now, version, changedAt);
    }

    public static NodeSummary ForRegion(NodeDefinition definition, string[] childIds, IReadOnlyDictionary<string, NodeSummary> children, DateTimeOffset now, long version)
    {
        int normal = 0, warning = 0, alarm = 0, offline = 0, warningAlarms = 0, alarmAlarms = 0;
        var byKind = new Dictionary<string, int>(StringComparer.Ordinal);
        var metrics = new Dictionary<string, MetricStats>(StringComparer.Ordinal);
        var present = new List<NodeSummary>(childIds.Length);
        var changedAt = default(DateTimeOffset);
        foreach (var childId in childIds)
        {
            if (!children.TryGetValue(childId, out var child))
            {
                continue;
            }
            present.Add(child);
            changedAt = child.ChangedAt > changedAt ? child.ChangedAt : changedAt;
            normal += child.Assets.Normal;
            warning += child.Assets.Warning;
            alarm += child.Assets.Alarm;
            offline += child.Assets.Offline;
            foreach (var (kind, count) in child.Assets.ByKind)
            {
                byKind[kind] = byKind.GetValueOrDefault(kind) + count;
            }
            warningAlarms += child.ActiveAlarms.Warning;
            alarmAlarms += child.ActiveAlarms.Alarm;
            foreach (var (name, s) in child.Metrics)
            {
                metrics[name] = metrics.TryGetValue(name, out var m)
                    ? new MetricStats(m.Count + s.Count, m.Sum + s.Sum, Math.Min(m.Min, s.Min), Math.Max(m.Max, s.Max))
                    : s;
            }
        }

        return Create(definition, childIds.Length, new AssetCounts(normal, warning, alarm, offline, byKind), new AlarmCounts(warningAlarms, alarmAlarms),
            metrics, IndicatorRollup.Compute(definition.Indicators, present, childIds.Length), now, version, changedAt);
    }

    private static NodeSummary Create(NodeDefinition d, int childCount, AssetCounts assets, AlarmCounts alarms,
        Dictionary<string, MetricStats> metrics, IndicatorPoint[] indicators, DateTimeOffset now, long version, DateTimeOffset changedAt) =>
        new(d.Id, d.Kind, d.Name, d.NameZh, d.Code, d.ParentId, childCount, d.Location, assets, alarms, metrics, indicators, now, version, changedAt);

    /// <summary>True when two summaries say the same thing, whatever their version and time: then there is nothing to push.</summary>
    public static bool SameContent(NodeSummary? a, NodeSummary? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        return a.Id == b.Id && a.Name == b.Name && a.NameZh == b.NameZh && a.Code == b.Code && a.ParentId == b.ParentId
            && a.ChildCount == b.ChildCount && Equals(a.Location, b.Location)
            && a.Assets.Normal == b.Assets.Normal && a.Assets.Warning == b.Assets.Warning
            && a.Assets.Alarm == b.Assets.Alarm && a.Assets.Offline == b.Assets.Offline
            && SameEntries(a.Assets.ByKind, b.Assets.ByKind) && a.ActiveAlarms == b.ActiveAlarms
            && SameEntries(a.Metrics, b.Metrics) && a.Indicators.SequenceEqual(b.Indicators);
    }

    private static bool SameEntries<TValue>(Dictionary<string, TValue> a, Dictionary<string, TValue> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && EqualityComparer<TValue>.Default.Equals(kv.Value, v));
}
