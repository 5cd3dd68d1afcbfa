using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Domain.Rollup;

namespace UrbanTwin.Gateway.Nodes;

/// <summary>A node as the API shows it.</summary>
public sealed record NodeView(
    string Id,
    NodeKind Kind,
    string Name,
    string? NameZh,
    string? Code,
    string? ParentId,
    int ChildCount,
    GeoPoint? Location,
    string Status,
    string[] Tags,
    Dictionary<string, string> Attributes,
    Dictionary<string, IndicatorView> Indicators,
    AssetCountsView Assets,
    AlarmCountsView ActiveAlarms,
    Dictionary<string, MetricStatsView> Metrics,
    AqiResult? Aqi,
    DateTimeOffset AsOf)
{
    /// <summary>True when the gateway answered from the last summary it saw because the node's grain did not answer in time.</summary>
    public bool Stale { get; init; }

    /// <summary>The node's boundary as a GeoJSON geometry, only when asked for (<c>?include=boundary</c>): summaries and streams stay small.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public System.Text.Json.JsonElement? Boundary { get; init; }

    public static NodeView From(NodeSummary summary, NodeDefinition? definition) => new(
        summary.Id, summary.Kind, summary.Name, summary.NameZh, summary.Code, summary.ParentId, summary.ChildCount, summary.Location,
        StatusOf(summary.Assets),
        definition?.Tags ?? [],
        definition?.Attributes ?? [],
        summary.Indicators.GroupBy(p => p.Name)
            .Select(g => IndicatorRollup.Headline(g)!)
            .ToDictionary(p => p.Name, IndicatorView.From, StringComparer.Ordinal),
        new AssetCountsView(summary.Assets.Total,
            new StatusCountsView(summary.Assets.Normal, summary.Assets.Warning, summary.Assets.Alarm, summary.Assets.Offline),
            summary.Assets.ByKind),
        new AlarmCountsView(summary.ActiveAlarms.Total, summary.ActiveAlarms.Warning, summary.ActiveAlarms.Alarm),
        summary.Metrics.Where(m => m.Value.Count > 0).ToDictionary(m => m.Key, m => MetricStatsView.From(m.Value), StringComparer.Ordinal),
        AirQuality.ForNode(summary.Metrics),
        summary.AsOf);

    /// <summary>The worst live status below the node; offline only when every asset is silent.</summary>
    public static string StatusOf(AssetCounts counts) =>
        counts.Alarm > 0 ? "alarm"
        : counts.Warning > 0 ? "warning"
        : counts.Total > 0 && counts.Offline == counts.Total ? "offline"
        : "normal";
}

public sealed record IndicatorView(double Value, int Year, string Period, string Origin, CoverageView? Coverage)
{
    public static IndicatorView From(IndicatorPoint point) => new(point.Value, point.Year, point.PeriodKey,
        point.Reported ? "reported" : "rollup",
        point.Reported ? null : new CoverageView(point.Reporting, point.Children));
}

public sealed record CoverageView(int Reported, int Total);

public sealed record AssetCountsView(int Total, StatusCountsView ByStatus, Dictionary<string, int> ByKind);

public sealed record StatusCountsView(int Normal, int Warning, int Alarm, int Offline);

public sealed record AlarmCountsView(int Total, int Warning, int Alarm);

public sealed record MetricStatsView(int Count, double Mean, double Min, double Max)
{
    public static MetricStatsView From(MetricStats s) => new(s.Count, Math.Round(s.Mean, 4), s.Min, s.Max);
}

/// <summary>A node's children; <c>stale</c> when it is the last list the gateway saw, then with <c>asOf</c>, when it saw it.</summary>
public sealed record NodeListView(NodeView[] Items, bool Stale,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? AsOf = null);
