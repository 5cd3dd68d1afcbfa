using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace UrbanTwin.Cluster.Tests.Harness;

/// <summary>
/// An operations center reading through one gateway: several readers, each reading a random path every
/// <c>interval</c> (as a dashboard polls), every read recorded with its time, HTTP status and whether the answer was
/// stale (<c>"stale": true</c>, served from the gateway's last-seen state). So the effect of a crash is measured as a
/// user sees it: the share answered, the latency, and how long until every answer is fresh again.
/// </summary>
public sealed class ReadProbe(HttpClient http, string[] paths)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Read> _reads = new();

    public sealed record Read(TimeSpan At, TimeSpan End, int Status, bool Stale, string Path)
    {
        public bool Answered => Status == 200;
        public bool Fresh => Status == 200 && !Stale;
        public double Ms => (End - At).TotalMilliseconds;
    }

    public TimeSpan Elapsed => _clock.Elapsed;
    public int Count => _reads.Count;

    /// <summary>What the reads from <c>since</c> to <c>until</c> looked like (latencies in ms, times in s after <c>since</c>).</summary>
    public sealed record Figures(int Total, int Answered, int Stale, double AnsweredShare, double P50Ms, double P99Ms, double MaxMs,
        double FreshAgainSeconds, string[] Unanswered, string[] LastNotFresh);

    public Task RunAsync(int readers, TimeSpan interval, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, readers).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            // Longer than Orleans' response timeout: measure the system, not this client.
            using var client = new HttpClient(new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(35) };
            foreach (var (name, values) in http.DefaultRequestHeaders)
            {
                client.DefaultRequestHeaders.Add(name, values); // the API key
            }
            var next = _clock.Elapsed;
            while (!stop.IsCancellationRequested)
            {
                var path = paths[random.Next(paths.Length)];
                var started = _clock.Elapsed;
                var status = 0;
                var stale = false;
                try
                {
                    using var response = await client.GetAsync(path, CancellationToken.None);
                    status = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(CancellationToken.None));
                        stale = body.RootElement.TryGetProperty("stale", out var flag) && flag.GetBoolean();
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }
                _reads.Enqueue(new Read(started, _clock.Elapsed, status, stale, path));
                next += interval;
                var wait = next - _clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, CancellationToken.None);
                }
                else
                {
                    next = _clock.Elapsed; // a slow read delays the next one; readers do not pile up to catch up
                }
            }
        })));

    /// <summary>Whether every read that started at or after <paramref name="since"/> was answered fresh.</summary>
    public bool AllFreshSince(TimeSpan since) => _reads.Where(r => r.At >= since).All(r => r.Fresh);

    public Figures FiguresBetween(TimeSpan since, TimeSpan until)
    {
        var window = _reads.Where(r => r.At >= since && r.At <= until).ToList();
        var latencies = window.Select(r => r.Ms).Order().ToArray();
        var lastNotFresh = window.Where(r => !r.Fresh).Select(r => r.End).DefaultIfEmpty(since).Max();
        return new Figures(window.Count, window.Count(r => r.Answered), window.Count(r => r.Answered && r.Stale),
            window.Count == 0 ? 1 : (double)window.Count(r => r.Answered) / window.Count,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.DefaultIfEmpty(0).Max(),
            (lastNotFresh - since).TotalSeconds,
            [.. window.Where(r => !r.Answered).Take(20).Select(r => Describe(r, since))],
            [.. window.Where(r => !r.Fresh).OrderBy(r => r.At).TakeLast(10).Select(r => Describe(r, since))]);
    }

    /// <summary>The paths read at least once and answered fresh: the dashboard has seen them before the crash.</summary>
    public bool EveryPathAnsweredFresh() => _reads.Where(r => r.Fresh).Select(r => r.Path).Distinct().Count() == paths.Length;

    private static string Describe(Read r, TimeSpan since) =>
        $"{r.Path}: {(r.Status == 0 ? "no answer" : "HTTP " + r.Status)}{(r.Stale ? " stale" : "")} at +{(r.At - since).TotalSeconds:F1} s ({r.Ms:F0} ms)";

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
