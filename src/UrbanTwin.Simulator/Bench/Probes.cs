using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Simulator.Bench;

/// <summary>Latency percentiles (milliseconds) of a set of samples.</summary>
public sealed record Percentiles(int Samples, double P50Ms, double P99Ms, double MaxMs)
{
    public static Percentiles Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new Percentiles(0, double.NaN, double.NaN, double.NaN);
        }
        var sorted = milliseconds.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Percentiles(sorted.Length, At(0.50), At(0.99), sorted[^1]);
    }
}

/// <summary>
/// Operators' reads while telemetry flows: <c>GET /nodes/{id}</c> of random cities and districts, a few readers at a
/// time. Each reader is a thread of its own making blocking calls: an operator's screen is not queued behind this
/// process's writers, whose continuations fill its thread pool (reads measured on that pool waited for it too).
/// </summary>
public static class QueryProbe
{
    public static async Task<Percentiles> RunAsync(Uri gateway, string[] nodeIds, TimeSpan duration, int readers = 4)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        var samples = new List<double>();
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, readers).Select(r => new Thread(() =>
        {
            var random = new Random(r);
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = http.Send(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/nodes/{nodeIds[random.Next(nodeIds.Length)]}"));
                response.Content.ReadAsStream().CopyTo(Stream.Null);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.IsSuccessStatusCode)
                {
                    lock (samples)
                    {
                        samples.Add(ms);
                    }
                }
            }
        }) { IsBackground = true, Name = $"bench-reader-{r}" }).ToList();
        threads.ForEach(t => t.Start());
        await Task.Run(() => threads.ForEach(t => t.Join()));
        return Percentiles.Of(samples);
    }
}
