using System.Collections.Concurrent;
using System.Diagnostics;

namespace UrbanTwin.Cluster.Tests.Harness;

/// <summary>
/// Operations-center reads in a loop (several at once, random paths), each recorded with its time and outcome, so
/// the effect of a crash can be measured: the share that succeeded and how long until all succeed again.
/// </summary>
public sealed class ReadProbe(HttpClient http, string[] paths)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<(TimeSpan At, TimeSpan End, bool Ok)> _reads = new();

    public TimeSpan Elapsed => _clock.Elapsed;
    public int Count => _reads.Count;

    public sealed record Figures(int Total, int Succeeded, double SuccessShare, double RecoverySeconds, double SlowestMs);

    public Task RunAsync(int concurrency, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            using var timeout = new HttpClient(new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(35) }; // longer than Orleans' 30 s response timeout: measure the system, not this client
            foreach (var (name, values) in http.DefaultRequestHeaders)
            {
                timeout.DefaultRequestHeaders.Add(name, values); // the API key
            }
            while (!stop.IsCancellationRequested)
            {
                var started = _clock.Elapsed;
                bool ok;
                try
                {
                    using var response = await timeout.GetAsync(paths[random.Next(paths.Length)], CancellationToken.None);
                    ok = response.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    ok = false;
                }
                _reads.Enqueue((started, _clock.Elapsed, ok));
                if (!ok)
                {
                    await Task.Delay(50, CancellationToken.None); // a real client backs off a little
                }
            }
        })));

    /// <summary>How long, up to now, every read has succeeded since the last failure seen after <paramref name="since"/>.</summary>
    public TimeSpan QuietSince(TimeSpan since)
    {
        var lastFailure = LastFailureEnd(since);
        var finishedAfter = _reads.Where(r => r.Ok && r.At >= lastFailure).Select(r => r.End).DefaultIfEmpty(lastFailure).Max();
        return finishedAfter - lastFailure;
    }

    /// <summary>
    /// From <paramref name="since"/> (the kill) until the last failed read gave up: every read that ran in that span,
    /// the share that succeeded, the span's length (the time until all reads succeed again) and the slowest read.
    /// </summary>
    public Figures FiguresSince(TimeSpan since)
    {
        var lastFailure = LastFailureEnd(since);
        var window = _reads.Where(r => r.End >= since && r.At <= lastFailure).ToList();
        var succeeded = window.Count(r => r.Ok);
        var slowest = _reads.Where(r => r.End >= since).Select(r => (r.End - r.At).TotalMilliseconds).DefaultIfEmpty(0).Max();
        return new Figures(window.Count, succeeded, window.Count == 0 ? 1 : (double)succeeded / window.Count,
            (lastFailure - since).TotalSeconds, slowest);
    }

    private TimeSpan LastFailureEnd(TimeSpan since) =>
        _reads.Where(r => !r.Ok && r.End >= since).Select(r => r.End).DefaultIfEmpty(since).Max();
}
