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
    private readonly ConcurrentQueue<(TimeSpan At, bool Ok, double Ms)> _reads = new();

    public TimeSpan Elapsed => _clock.Elapsed;
    public int Count => _reads.Count;

    public sealed record Figures(int Total, int Succeeded, double SuccessShare, double RecoverySeconds, double SlowestMs);

    public Task RunAsync(int concurrency, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            using var timeout = new HttpClient(new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(35) }; // longer than Orleans' 30 s response timeout: measure the system, not this client
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
                _reads.Enqueue((started, ok, (_clock.Elapsed - started).TotalMilliseconds));
                if (!ok)
                {
                    await Task.Delay(50, CancellationToken.None); // a real client backs off a little
                }
            }
        })));

    /// <summary>How long reads started after <paramref name="since"/> have all been succeeding (zero if none did yet).</summary>
    public TimeSpan QuietSince(TimeSpan since)
    {
        var after = _reads.Where(r => r.At >= since).ToList();
        var lastFailure = after.Where(r => !r.Ok).Select(r => r.At).DefaultIfEmpty(since).Max();
        var lastSuccess = after.Where(r => r.Ok && r.At >= lastFailure).Select(r => r.At).DefaultIfEmpty(lastFailure).Max();
        return lastSuccess - lastFailure;
    }

    /// <summary>From <paramref name="since"/> (the kill) to the last failed read: the share that succeeded, and that span.</summary>
    public Figures FiguresSince(TimeSpan since)
    {
        var after = _reads.Where(r => r.At >= since).ToList();
        var lastFailure = after.Where(r => !r.Ok).Select(r => r.At).DefaultIfEmpty(since).Max();
        var window = after.Where(r => r.At <= lastFailure).ToList();
        var succeeded = window.Count(r => r.Ok);
        return new Figures(window.Count, succeeded, window.Count == 0 ? 1 : (double)succeeded / window.Count,
            (lastFailure - since).TotalSeconds, after.Select(r => r.Ms).DefaultIfEmpty(0).Max());
    }
}
