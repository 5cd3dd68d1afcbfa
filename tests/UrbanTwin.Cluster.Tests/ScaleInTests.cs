using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using UrbanTwin.Cluster.Tests.Harness;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Demo;
using UrbanTwin.Grains.Topology;
using UrbanTwin.Simulator.Checks;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// What Kubernetes does when the autoscaler removes a silo, with processes: SIGTERM while telemetry flows. The silo
/// must report not ready first (so no new work is routed to it), keep serving through the drain delay, hand its
/// grains over with their state flushed, and exit cleanly; every acknowledged update must still be there.
/// </summary>
public sealed partial class ScaleInTests(ITestOutputHelper output)
{
    private static readonly AssetDefinition[] ReferenceAssets = [.. AssetPlan.For(ReferenceTopology.Load())];
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_silo_scaled_in_under_load_reports_not_ready_first_hands_its_grains_over_and_loses_nothing()
    {
        await using var cluster = await LocalCluster.StartAsync(output, settings: new Dictionary<string, string>
        {
            ["Shutdown__DrainDelay"] = DrainDelay.ToString("c", CultureInfo.InvariantCulture),
        });
        var assets = ReferenceAssets[..3000];
        var writer = new TelemetryWriter(cluster.Http, assets, "accepted");
        using var stop = new CancellationTokenSource();
        var ingest = writer.RunAsync(250, stop.Token);
        await Eventually.Until(() => Task.FromResult(writer.AcknowledgedItems), n => n >= 3000, TimeSpan.FromSeconds(60), "3000 acknowledged items");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // The one of silos 1 and 2 holding more assets goes: placement weighs the silos' load, and a silo that was
        // busy starting can hold none yet (seen once in CI), which would leave nothing to hand over.
        var (leaving, staying) = await AssetActivationsAsync(http, cluster.SiloHttp(1)) >= await AssetActivationsAsync(http, cluster.SiloHttp(2)) ? (1, 2) : (2, 1);
        var heldByLeaving = await AssetActivationsAsync(http, cluster.SiloHttp(leaving));
        Assert.True(heldByLeaving > 0, "the silo to be removed holds no assets, so nothing would be handed over");

        using (var ready = await http.GetAsync(new Uri(cluster.SiloHttp(leaving), "/health/ready")))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        using var watch = new CancellationTokenSource();
        var readiness = WatchReadinessAsync(http, cluster.SiloHttp(leaving), watch.Token);
        var clock = Stopwatch.StartNew();
        var exitCode = await cluster.StopSiloAsync(leaving); // SIGTERM while the writer keeps going
        var exitedAfter = clock.Elapsed;
        await watch.CancelAsync();
        var seen = await readiness;

        var atStop = writer.AcknowledgedItems;
        await Eventually.Until(() => Task.FromResult(writer.AcknowledgedItems), n => n >= atStop + 3000, TimeSpan.FromSeconds(60),
            "3000 more acknowledged items after the scale-in");
        await stop.CancelAsync();
        await ingest;
        await writer.DrainAsync(TimeSpan.FromSeconds(60));

        output.WriteLine($"silo {leaving} held {heldByLeaving} assets; exited with {exitCode} {exitedAfter.TotalSeconds:F1} s after SIGTERM; " +
            $"readiness seen: {string.Join(", ", seen.Select(s => $"{s.At.TotalMilliseconds:F0} ms {(int)s.Status}"))}");
        output.WriteLine($"accepted: {writer.AcknowledgedItems} items in {writer.Requests} requests; {writer.RetryableRefusals} retryable refusals");
        Assert.Equal(0, exitCode);
        Assert.True(exitedAfter >= DrainDelay, $"the silo exited {exitedAfter.TotalSeconds:F1} s after SIGTERM, before its drain delay ended");
        // Not ready (503, saying why) while it still answered, before it went away; never ready again.
        var firstNotReady = seen.FindIndex(s => s.Status == HttpStatusCode.ServiceUnavailable);
        Assert.True(firstNotReady >= 0, "readiness never turned false while the silo was stopping");
        Assert.Contains("stopping", seen[firstNotReady].Body);
        Assert.DoesNotContain(seen.Skip(firstNotReady), s => s.Status == HttpStatusCode.OK);

        Assert.Empty(writer.Failures);
        Assert.Empty(await TelemetryWriter.ReadBackMismatchesAsync(cluster.Http, writer.Acknowledged.Values, TimeSpan.FromSeconds(120)));
        // Handed over: after the read-back every asset written is active on the two silos that remain.
        var remaining = await AssetActivationsAsync(http, cluster.SiloHttp(0)) + await AssetActivationsAsync(http, cluster.SiloHttp(staying));
        Assert.True(remaining >= writer.Acknowledged.Count, $"{remaining} asset activations on the remaining silos for {writer.Acknowledged.Count} assets");
    }

    private sealed record Observation(TimeSpan At, HttpStatusCode Status, string Body);

    /// <summary>Polls /health/ready until the silo stops answering.</summary>
    private static Task<List<Observation>> WatchReadinessAsync(HttpClient http, Uri silo, CancellationToken stop)
    {
        var seen = new List<Observation>();
        var clock = Stopwatch.StartNew();
        return Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(silo, "/health/ready"), stop);
                    seen.Add(new Observation(clock.Elapsed, response.StatusCode, await response.Content.ReadAsStringAsync(stop)));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return seen; // no longer listening (or the watch ended)
                }
                await Task.Delay(100, CancellationToken.None);
            }
            return seen;
        }, CancellationToken.None);
    }

    private static async Task<double> AssetActivationsAsync(HttpClient http, Uri silo)
    {
        var text = await http.GetStringAsync(new Uri(silo, "/metrics"));
        var match = AssetGauge().Match(text);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex("""^orleans_grains\{[^}]*grain_type="asset"[^}]*\} (\S+)""", RegexOptions.Multiline)]
    private static partial Regex AssetGauge();
}
