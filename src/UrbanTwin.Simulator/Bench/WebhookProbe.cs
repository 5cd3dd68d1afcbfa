using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Simulator.Processes;

namespace UrbanTwin.Simulator.Bench;

/// <param name="LatencyP50Ms">From the POST that raised an alarm to its receiver's answer, one subscription, no other load.</param>
/// <param name="BesideSilentP50Ms">The same, while another subscription to the same alarms has a receiver that never answers.</param>
/// <param name="DeliveriesPerSecond">Deliveries answered 2xx per second across all receivers, from the first event to the last delivery.</param>
public sealed record WebhookFigures(double LatencyP50Ms, double LatencyP99Ms, int Samples, double BesideSilentP50Ms, double BesideSilentP99Ms,
    int Receivers, double EventsPerSecond, long Deliveries, long Expected, double DeliveriesPerSecond);

/// <summary>
/// Webhooks against a cluster (silo, gateway, Redis) and receivers in this process (Kestrel, answering 204):
/// <list type="bullet">
/// <item>Latency: one subscription; an alarm is raised on a fresh gas pipeline at a time, and timed from its POST to
/// its arrival at the receiver. Then again with a second subscription to the same alarms whose receiver never
/// answers (each of its requests hangs until the delivery timeout): the first must not notice.</item>
/// <item>Throughput: <see cref="Receivers"/> subscriptions to every asset event; gas pipelines are toggled into and out of
/// alarm at a fixed rate (each toggle two events: the alarm's and the status change), and every delivery is
/// counted until all have arrived.</item>
/// </list>
/// </summary>
public static class WebhookProbe
{
    public const int Receivers = 10;
    private const int EventsPerToggle = 2;
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(120);

    public static async Task<WebhookFigures> RunAsync(Uri gateway, IReadOnlyList<AssetDefinition> gas, int latencySamples, TimeSpan phase, double eventsPerSecond)
    {
        await using var receiver = await Receiver.StartAsync();
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        var clock = new Timestamps();

        var latencyAssets = gas.Take(latencySamples).ToArray();
        var besideSilentAssets = gas.Skip(latencySamples).Take(latencySamples).ToArray();
        var latencySubscription = await SubscribeAsync(http, receiver.UrlOf("latency"), ["alarm.raised"]);
        var latencies = await RaiseOneByOneAsync(http, receiver, latencyAssets, clock);
        var silent = await SubscribeAsync(http, receiver.UrlOf("silent"), ["alarm.raised"]);
        var besideSilent = await RaiseOneByOneAsync(http, receiver, besideSilentAssets, clock);
        await DeleteAsync(http, silent);
        await DeleteAsync(http, latencySubscription);
        await PostAsync(http, [.. latencyAssets.Concat(besideSilentAssets).Select(a => (a.Id, 0.0))], clock);

        for (var i = 0; i < Receivers; i++)
        {
            await SubscribeAsync(http, receiver.UrlOf($"r{i}"), ["alarm.*", "asset.*"]);
        }
        var toggled = gas.Skip(2 * latencySamples).Select(a => a.Id).ToArray();
        var high = new HashSet<string>(StringComparer.Ordinal);
        var perTick = Math.Max(1, (int)(eventsPerSecond / EventsPerToggle / 10));
        var accepted = 0L;
        var start = Stopwatch.GetTimestamp();
        var next = 0;
        using (var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(100)))
        {
            while (Stopwatch.GetElapsedTime(start) < phase && await ticks.WaitForNextTickAsync())
            {
                var batch = new List<(string, double)>(perTick);
                for (var i = 0; i < perTick; i++, next = (next + 1) % toggled.Length)
                {
                    var id = toggled[next];
                    batch.Add((id, high.Add(id) ? 60.0 : 0.0));
                    if (batch[^1].Item2 == 0)
                    {
                        high.Remove(id);
                    }
                }
                accepted += await PostAsync(http, batch, clock);
            }
        }
        var produced = Stopwatch.GetElapsedTime(start);
        var expected = accepted * EventsPerToggle * Receivers;
        var drainUntil = Stopwatch.GetTimestamp() + (long)(Drain.TotalSeconds * Stopwatch.Frequency);
        while (receiver.Throughput < expected && Stopwatch.GetTimestamp() < drainUntil)
        {
            await Task.Delay(50);
        }
        var last = receiver.LastThroughputAt;
        var seconds = Math.Max(produced.TotalSeconds, (last - start) / (double)Stopwatch.Frequency);
        var latency = Percentiles.Of(latencies);
        var beside = Percentiles.Of(besideSilent);
        return new WebhookFigures(latency.P50Ms, latency.P99Ms, latency.Samples, beside.P50Ms, beside.P99Ms, Receivers,
            accepted * EventsPerToggle / produced.TotalSeconds, receiver.Throughput, expected, receiver.Throughput / seconds);
    }

    /// <summary>Raises an alarm on each asset in turn, timing each from its POST to its arrival at the latency receiver.</summary>
    private static async Task<List<double>> RaiseOneByOneAsync(HttpClient http, Receiver receiver, IEnumerable<AssetDefinition> assets, Timestamps clock)
    {
        var latencies = new List<double>();
        foreach (var asset in assets)
        {
            var arrived = receiver.Expect(asset.Id);
            var started = Stopwatch.GetTimestamp();
            await PostAsync(http, [(asset.Id, 60.0)], clock);
            await arrived.WaitAsync(TimeSpan.FromSeconds(30));
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return latencies;
    }

    /// <summary>Subscribes <paramref name="url"/>; the subscription's id.</summary>
    private static async Task<string> SubscribeAsync(HttpClient http, string url, string[] events)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/subscriptions", new { url, events });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Subscribing {url}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return (string?)body?["subscription"]?["id"] ?? throw new InvalidOperationException($"Subscribing {url}: no id in the answer");
    }

    private static async Task DeleteAsync(HttpClient http, string subscription)
    {
        using var response = await http.DeleteAsync($"/api/v1/subscriptions/{subscription}");
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Deleting subscription {subscription}: HTTP {(int)response.StatusCode}");
        }
    }

    /// <summary>Posts one gas reading per asset; the number accepted.</summary>
    private static async Task<int> PostAsync(HttpClient http, IReadOnlyList<(string Asset, double Lel)> readings, Timestamps clock)
    {
        var items = new JsonArray();
        foreach (var (asset, lel) in readings)
        {
            items.Add(new JsonObject { ["assetId"] = asset, ["ts"] = clock.Next(), ["metrics"] = new JsonObject { ["gasLel"] = lel } });
        }
        using var response = await http.PostAsync("/api/v1/telemetry", new StringContent(items.ToJsonString(), Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return (int?)body?["accepted"] ?? 0;
    }

    /// <summary>Reading times that only go forward, whatever the writers before this probe used (the wall clock, at most).</summary>
    private sealed class Timestamps
    {
        private DateTimeOffset _last = DateTimeOffset.UtcNow;

        public string Next()
        {
            _last = DateTimeOffset.UtcNow > _last ? DateTimeOffset.UtcNow : _last.AddMilliseconds(1);
            return _last.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        }
    }

    /// <summary>The receivers: one Kestrel server, a path per subscription, counting first deliveries (by webhook-id) per path.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _expected = new(StringComparer.Ordinal);
        private long _throughput;
        private long _lastThroughputAt;
        private readonly CancellationTokenSource _stopping = new();

        private Receiver(WebApplication app, int port)
        {
            _app = app;
            Port = port;
        }

        public int Port { get; }
        public long Throughput => Interlocked.Read(ref _throughput);
        public long LastThroughputAt => Interlocked.Read(ref _lastThroughputAt);

        public string UrlOf(string path) => $"http://127.0.0.1:{Port}/{path}";

        public Task Expect(string assetId) => _expected.GetOrAdd(assetId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public static async Task<Receiver> StartAsync()
        {
            var port = Ports.Free();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app, port);
            app.MapPost("/{path}", async (string path, HttpRequest request) => await receiver.ReceiveAsync(path, request));
            await app.StartAsync();
            return receiver;
        }

        private async Task<IResult> ReceiveAsync(string path, HttpRequest request)
        {
            if (path == "silent")
            {
                // Never answers: the twin's delivery timeout ends the request (or the probe's end does).
                using var ended = CancellationTokenSource.CreateLinkedTokenSource(request.HttpContext.RequestAborted, _stopping.Token);
                try
                {
                    await Task.Delay(Timeout.Infinite, ended.Token);
                }
                catch (OperationCanceledException)
                {
                }
                return Results.NoContent();
            }
            if (path == "latency")
            {
                var body = await JsonNode.ParseAsync(request.Body);
                if ((string?)body?["data"]?["assetId"] is { } asset && _expected.TryGetValue(asset, out var waiting))
                {
                    waiting.TrySetResult();
                }
            }
            else if (_seen.TryAdd(path + "|" + request.Headers["webhook-id"], 0))
            {
                Interlocked.Increment(ref _throughput);
                Interlocked.Exchange(ref _lastThroughputAt, Stopwatch.GetTimestamp());
            }
            return Results.NoContent();
        }

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
