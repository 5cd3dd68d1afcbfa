using System.Diagnostics;
using System.Text.Json;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Simulator.Bench.History;

/// <summary>One kind of history query, timed: its latency percentiles, and what the answers held.</summary>
/// <param name="Failed">Answers other than 200, or without points, or not from the store.</param>
public sealed record HistoryQueryFigures(string Query, double P50Ms, double P99Ms, double MaxMs, int Samples, int Failed, double MeanPoints);

/// <summary>
/// The history reads the issue names, through the gateway as an operations center makes them (HTTP, JSON), one at a
/// time: a random asset's metric over the last 24 h raw; a random city's aggregate over 30 days by the hour; the
/// province's over a year by the day. Each starts with a few untimed reads (the gateway's code and the store's pages warm).
/// </summary>
public static class HistoryQueryProbe
{
    private static readonly string[] NodeMetrics = ["activeAlarms.alarm", "aqi", "gasLel.mean", "assets.alarm"];

    public static async Task<HistoryQueryFigures[]> RunAsync(Uri gateway, IReadOnlyList<AssetDefinition> assets, IReadOnlyList<string> cities, string province,
        int samples)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
        var random = new Random(53);
        return
        [
            await TimeAsync(http, "asset, 24 h raw", samples, () =>
            {
                var asset = assets[random.Next(assets.Count)];
                var metrics = AssetCatalog.Get(asset.Kind).MetricNames;
                return $"/api/v1/assets/{asset.Id}/history?metric={metrics[random.Next(metrics.Length)]}&from=-24h&step=raw";
            }),
            await TimeAsync(http, "city, 30 d at 1 h", samples, () =>
                $"/api/v1/nodes/{cities[random.Next(cities.Count)]}/history?metric={NodeMetrics[random.Next(NodeMetrics.Length)]}&from=-30d&step=1h&agg=avg"),
            await TimeAsync(http, "province, 1 y at 1 d", samples, () =>
                $"/api/v1/nodes/{province}/history?metric={NodeMetrics[random.Next(NodeMetrics.Length)]}&from=-365d&step=1d&agg=max"),
        ];
    }

    private static async Task<HistoryQueryFigures> TimeAsync(HttpClient http, string name, int samples, Func<string> next)
    {
        for (var i = 0; i < Math.Max(5, samples / 10); i++)
        {
            await ReadAsync(http, next());
        }
        var latencies = new List<double>(samples);
        var failed = 0;
        long points = 0;
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var (ok, count) = await ReadAsync(http, next());
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (ok)
            {
                latencies.Add(ms);
                points += count;
            }
            else
            {
                failed++;
            }
        }
        var p = Percentiles.Of(latencies);
        return new HistoryQueryFigures(name, p.P50Ms, p.P99Ms, p.MaxMs, p.Samples, failed, latencies.Count == 0 ? 0 : points / (double)latencies.Count);
    }

    /// <summary>Whether the answer is a 200 from the store with points, and how many.</summary>
    private static async Task<(bool Ok, int Points)> ReadAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            return (false, 0);
        }
        using var answer = JsonDocument.Parse(body);
        var count = answer.RootElement.GetProperty("points").GetArrayLength();
        var source = answer.RootElement.GetProperty("source").GetString() ?? "";
        return (count > 0 && source.StartsWith("store", StringComparison.Ordinal), count);
    }
}
