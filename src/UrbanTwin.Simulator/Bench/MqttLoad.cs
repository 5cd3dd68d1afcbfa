using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Demo;

namespace UrbanTwin.Simulator.Bench;

/// <param name="UpdatesPerSecond">Readings the gateway took (its accepted counter), from the first publish of the phase to the last reading taken.</param>
/// <param name="RatioToHttp">To HTTP ingest of the same kind (accepted or durable) in the same run.</param>
/// <param name="LatencyP50Ms">From the publish of one reading on its asset's topic to the asset answering with it over HTTP.</param>
public sealed record MqttFigures(string Broker, string Ack, double UpdatesPerSecond, double RatioToHttp, long Published, long Taken,
    double LatencyP50Ms, double LatencyP99Ms, int Samples, int Publishers, int Batch);

/// <summary>
/// Telemetry over MQTT as data-acquisition units send it: <c>publishers</c> clients, each on a batch topic of its own
/// (<c>urbantwin/v1/telemetry/{source}</c>) with its own share of the assets, QoS 1, a few messages in flight each. A
/// broker acknowledges a message when it has it, not when the twin took it, so the rate is read from the gateway: its
/// accepted-readings counter, from the phase's first publish until every reading published was taken. The
/// publishers stay within a window of what the gateway has taken (as HTTP clients wait for their answers): a fleet
/// far ahead of the twin would measure the broker's queue, not the ingest.
/// </summary>
public sealed class MqttLoad(string host, int port, IReadOnlyList<AssetDefinition> assets, int publishers, int batch, string prefix = "urbantwin/v1")
{
    private const int InFlightPerPublisher = 4;
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);

    public async Task<(double PerSecond, long Published, long Taken)> RunAsync(Uri gateway, TimeSpan warmUp, TimeSpan duration)
    {
        using var metrics = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        var clients = await Task.WhenAll(Enumerable.Range(0, publishers).Select(async c =>
        {
            var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId($"bench-{c}-{Guid.NewGuid():N}"[..24]).Build());
            return client;
        }));
        try
        {
            await PublishAsync(clients, metrics, warmUp);
            await WaitTakenAsync(metrics, await AcceptedAsync(metrics), settle: true); // the warm-up's backlog drained
            var before = await AcceptedAsync(metrics);
            var clock = Stopwatch.StartNew();
            var published = await PublishAsync(clients, metrics, duration);
            var (taken, at) = await WaitTakenAsync(metrics, before + published, settle: false, clock);
            return ((taken - before) / at.TotalSeconds, published, (long)(taken - before));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisconnectAsync();
                client.Dispose();
            }
        }
    }

    /// <summary>Publishes for <paramref name="duration"/>; the number of readings the broker acknowledged.</summary>
    private async Task<long> PublishAsync(IMqttClient[] clients, HttpClient metrics, TimeSpan duration)
    {
        long published = 0, attempted = 0, taken = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var window = 2L * clients.Length * InFlightPerPublisher * batch;
        var start = await AcceptedAsync(metrics);
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Volatile.Write(ref taken, (long)(await AcceptedAsync(metrics) - start));
                await Task.Delay(50, CancellationToken.None);
            }
        });
        await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
        {
            var own = assets.Where((_, i) => i % clients.Length == c).ToArray();
            var samples = TelemetryLoad.MetricSets(own, seed: c);
            var topic = $"{prefix}/telemetry/bench-{c}";
            var inFlight = new List<Task<MqttClientPublishResult>>();
            for (var next = 0; Stopwatch.GetTimestamp() < until;)
            {
                while (Interlocked.Read(ref attempted) - Volatile.Read(ref taken) > window && Stopwatch.GetTimestamp() < until)
                {
                    await Task.Delay(1);
                }
                Interlocked.Add(ref attempted, batch);
                var buffer = new ArrayBufferWriter<byte>(batch * 128);
                next = TelemetryLoad.WriteBatch(buffer, own, samples, next, batch);
                inFlight.Add(client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(buffer.WrittenMemory.ToArray())
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()));
                if (inFlight.Count >= InFlightPerPublisher)
                {
                    var done = await Task.WhenAny(inFlight);
                    inFlight.Remove(done);
                    Interlocked.Add(ref published, (await done).IsSuccess ? batch : 0);
                }
            }
            foreach (var result in await Task.WhenAll(inFlight))
            {
                Interlocked.Add(ref published, result.IsSuccess ? batch : 0);
            }
        })));
        await stop.CancelAsync();
        await watching;
        return published;
    }

    /// <summary>
    /// Waits until the gateway has taken <paramref name="target"/> readings (or, with <paramref name="settle"/>, until
    /// its count stops moving), and says when the count last moved.
    /// </summary>
    private static async Task<(double Taken, TimeSpan At)> WaitTakenAsync(HttpClient metrics, double target, bool settle, Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
        var deadline = clock.Elapsed + Drain;
        var last = await AcceptedAsync(metrics);
        var movedAt = clock.Elapsed;
        while (clock.Elapsed < deadline && (settle ? clock.Elapsed - movedAt < TimeSpan.FromSeconds(1) : last < target))
        {
            await Task.Delay(50);
            var now = await AcceptedAsync(metrics);
            if (now != last)
            {
                (last, movedAt) = (now, clock.Elapsed);
            }
        }
        return (last, movedAt);
    }

    private static async Task<double> AcceptedAsync(HttpClient metrics) =>
        PrometheusText.Sum(await metrics.GetStringAsync("/metrics"), "urbantwin_telemetry_items_total", "outcome=\"accepted\"");

    /// <summary>
    /// Latency: one reading at a time on a probe asset's topic, from the publish to the gateway answering the asset
    /// with that reading's time (read every 2 ms).
    /// </summary>
    public static async Task<Percentiles> LatencyAsync(string host, int port, Uri gateway, IReadOnlyList<AssetDefinition> probes, int samples,
        string prefix = "urbantwin/v1")
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithProtocolVersion(MqttProtocolVersion.V500).Build());
        var random = new Random(7);
        var latencies = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var asset = probes[i % probes.Count];
            // Newer than whatever the asset holds (another probe may have written ahead of the clock), to the millisecond.
            var held = await LastReadingAtAsync(http, asset.Id) ?? DateTimeOffset.MinValue;
            var now = DateTimeOffset.UtcNow;
            var ts = (now > held ? now : held.AddMilliseconds(1)) is var t ? t.AddTicks(-(t.UtcTicks % TimeSpan.TicksPerMillisecond)) : now;
            var metrics = new JsonObject();
            foreach (var sample in ReadingGenerator.Generate(asset.Kind, random))
            {
                metrics[sample.Metric] = sample.Value;
            }
            var body = new JsonObject { ["ts"] = ts.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), ["metrics"] = metrics }.ToJsonString();
            var started = Stopwatch.GetTimestamp();
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{prefix}/assets/{asset.Id}/telemetry").WithPayload(body)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            var deadline = started + 10 * Stopwatch.Frequency;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                if (await LastReadingAtAsync(http, asset.Id) == ts)
                {
                    break;
                }
                await Task.Delay(2);
            }
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        await client.DisconnectAsync();
        return Percentiles.Of(latencies);
    }

    private static async Task<DateTimeOffset?> LastReadingAtAsync(HttpClient http, string asset) =>
        (await http.GetFromJsonAsync<JsonObject>($"/api/v1/assets/{asset}"))?["lastReadingAt"] is { } at ? DateTimeOffset.Parse((string)at!) : null;
}
