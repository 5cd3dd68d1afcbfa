using System.Globalization;

namespace UrbanTwin.Simulator.Bench;

/// <summary>Reads figures from a Prometheus text exposition (the gateway's <c>/metrics</c>).</summary>
public static class PrometheusText
{
    /// <summary>The sum of a metric's samples, over those whose labels contain <paramref name="label"/> when given.</summary>
    public static double Sum(string text, string name, string? label = null) => text.Split('\n')
        .Where(line => line.StartsWith(name, StringComparison.Ordinal) && (line.Length > name.Length && line[name.Length] is ' ' or '{')
            && (label is null || line.Contains(label, StringComparison.Ordinal)))
        .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
