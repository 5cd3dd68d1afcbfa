using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Domain.History;

/// <summary>The aggregates a node keeps history of, by the names the history API takes.</summary>
public static class NodeSeries
{
    /// <summary>The metrics whose mean is kept: the one each kind alarms on most, and PM2.5.</summary>
    public static readonly string[] KeyMetrics = ["gasLel", "o2", "pressure", "fillLevel", "waterDepth", "indoorTemp", "strain", "pm25"];

    public static readonly string[] Names =
    [
        "activeAlarms", "activeAlarms.warning", "activeAlarms.alarm",
        "assets.normal", "assets.warning", "assets.alarm", "assets.offline", "aqi",
        .. KeyMetrics.Select(m => m + ".mean"),
    ];

    public static Dictionary<string, double> Of(NodeSummary summary)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["activeAlarms"] = summary.ActiveAlarms.Total,
            ["activeAlarms.warning"] = summary.ActiveAlarms.Warning,
            ["activeAlarms.alarm"] = summary.ActiveAlarms.Alarm,
            ["assets.normal"] = summary.Assets.Normal,
            ["assets.warning"] = summary.Assets.Warning,
            ["assets.alarm"] = summary.Assets.Alarm,
            ["assets.offline"] = summary.Assets.Offline,
        };
        if (AirQuality.ForNode(summary.Metrics) is { } aqi)
        {
            values["aqi"] = aqi.Value;
        }
        foreach (var metric in KeyMetrics)
        {
            if (summary.Metrics.TryGetValue(metric, out var stats) && stats.Count > 0)
            {
                values[metric + ".mean"] = stats.Sum / stats.Count;
            }
        }
        return values;
    }
}
