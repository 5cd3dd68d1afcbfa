using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Contracts.Rollup;

/// <summary>
/// What a node knows of everything below it. A parent keeps its children's latest summaries and derives its
/// own from them, so a summary is always a pure function of the latest child states: nothing is a running total.
/// <see cref="ChangedAt"/> is when the newest change below the node reached its district (for the roll-up lag).
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.NodeSummary")]
public sealed record NodeSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] NodeKind Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] string? NameZh,
    [property: Id(4)] string? Code,
    [property: Id(5)] string? ParentId,
    [property: Id(6)] int ChildCount,
    [property: Id(7)] GeoPoint? Location,
    [property: Id(8)] AssetCounts Assets,
    [property: Id(9)] AlarmCounts ActiveAlarms,
    [property: Id(10)] Dictionary<string, MetricStats> Metrics,
    [property: Id(11)] IndicatorPoint[] Indicators,
    [property: Id(12)] DateTimeOffset AsOf,
    [property: Id(13)] long Version,
    [property: Id(14)] DateTimeOffset ChangedAt = default);

/// <summary>Assets below a node by effective status (offline included) and by kind.</summary>
[GenerateSerializer, Immutable, Alias("ut.AssetCounts")]
public sealed record AssetCounts(
    [property: Id(0)] int Normal,
    [property: Id(1)] int Warning,
    [property: Id(2)] int Alarm,
    [property: Id(3)] int Offline,
    [property: Id(4)] Dictionary<string, int> ByKind)
{
    public static readonly AssetCounts Empty = new(0, 0, 0, 0, new Dictionary<string, int>());

    public int Total => Normal + Warning + Alarm + Offline;

    public int Of(AssetStatus status) => status switch
    {
        AssetStatus.Normal => Normal,
        AssetStatus.Warning => Warning,
        AssetStatus.Alarm => Alarm,
        _ => Offline,
    };
}

/// <summary>Active alarm conditions (one per asset and metric at warning or alarm level) below a node.</summary>
[GenerateSerializer, Immutable, Alias("ut.AlarmCounts")]
public sealed record AlarmCounts([property: Id(0)] int Warning, [property: Id(1)] int Alarm)
{
    public static readonly AlarmCounts None = new(0, 0);

    public int Total => Warning + Alarm;
}

/// <summary>Count, sum, min and max of one metric's latest values below a node; sums roll up, means are derived.</summary>
[GenerateSerializer, Immutable, Alias("ut.MetricStats")]
public sealed record MetricStats(
    [property: Id(0)] int Count,
    [property: Id(1)] double Sum,
    [property: Id(2)] double Min,
    [property: Id(3)] double Max)
{
    public double Mean => Count == 0 ? double.NaN : Sum / Count;
}

/// <summary>
/// One indicator of a node for one period (a year, a quarter or a month): either the node's own reported figure, or the roll-up over the
/// children that reported a complete figure for that year (<see cref="Reporting"/> of <see cref="Children"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.IndicatorPoint")]
public sealed record IndicatorPoint(
    [property: Id(0)] string Name,
    [property: Id(1)] int Year,
    [property: Id(2)] double Value,
    [property: Id(3)] bool Reported,
    [property: Id(4)] int Reporting,
    [property: Id(5)] int Children,
    [property: Id(6)] string? Period = null)
{
    /// <summary>The period: <see cref="Period"/> (a month or quarter) or, for annual figures, the year.</summary>
    public string PeriodKey => Period ?? Year.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A figure a parent may add up: reported by the node itself, or rolled up from every child.</summary>
    public bool IsComplete => Reported || (Children > 0 && Reporting == Children);
}
