using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using UrbanTwin.Cluster.Tests.Harness;
using UrbanTwin.Demo;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// MQTT ingest through a real Mosquitto into a cluster (redis-server, a silo, a gateway process): devices publish a
/// QoS 1 stream while the gateway is killed with SIGKILL and started again under the same client id; the broker keeps
/// the gateway's session and hands it what was not acknowledged, so every reading is applied, once.
/// </summary>
public sealed class MqttFailoverTests(ITestOutputHelper output)
{
    private const int ReadingsPerAsset = 10;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_QoS_1_stream_through_Mosquitto_loses_no_reading_across_a_kill_9_of_the_gateway()
    {
        var directory = Directory.CreateTempSubdirectory("urbantwin-mqtt-").FullName;
        await using var broker = await MosquittoServer.StartAsync(directory);
        await using var cluster = await StartClusterAsync(broker, []);
        var assets = AssetPlan.For(ReferenceTopology.Load()).Where(a => a.Kind == AssetCatalog.GasPipeline).Select(a => a.Id).Take(41).ToArray();
        using var publisher = await ConnectPublisherAsync(broker, "test-device-gateway");
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<JsonNode>();
        publisher.ApplicationMessageReceivedAsync += e =>
        {
            refusals.Enqueue(JsonNode.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload))!);
            return Task.CompletedTask;
        };
        await publisher.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("urbantwin/v1/rejected", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await WaitSubscribedAsync(cluster, publisher, assets[^1], start);
        var stream = assets[..^1];

        var total = stream.Length * ReadingsPerAsset;
        var published = 0;
        var publishing = Task.Run(async () =>
        {
            for (var r = 0; r < ReadingsPerAsset; r++)
            {
                foreach (var asset in stream)
                {
                    var ack = await PublishAsync(publisher, asset, start, r);
                    Assert.True(ack.IsSuccess, $"the broker refused a publish: {ack.ReasonCode}");
                    Interlocked.Increment(ref published);
                    await Task.Delay(2);
                }
            }
        });
        await Eventually.Until(() => Task.FromResult(Volatile.Read(ref published)), n => n >= total / 3, Deadline, "a third of the stream published");
        cluster.Gateway!.Kill();
        var killedAt = Volatile.Read(ref published);
        var down = Stopwatch.StartNew();
        await cluster.StartGatewayAsync();
        output.WriteLine($"gateway killed after {killedAt} of {total} readings were published; back after {down.ElapsedMilliseconds} ms");
        await publishing;

        foreach (var asset in stream)
        {
            var values = await Eventually.Until(() => HistoryAsync(cluster, asset), v => v.Length >= ReadingsPerAsset, Deadline, $"all readings of {asset}");
            // Every reading, in order, once: a redelivered one is not applied twice.
            Assert.Equal(Enumerable.Range(1, ReadingsPerAsset).Select(v => (double)v), values);
        }
        // What was refused of the stream is only what the broker sent twice (the kill came between apply and PUBACK).
        var ofStream = refusals.Where(r => (string?)r["assetId"] is { } id && stream.Contains(id)).ToList();
        output.WriteLine($"redelivered and refused as already applied: {ofStream.Count}");
        Assert.All(ofStream, r => Assert.Contains((string?)r["reason"], new[] { "duplicate-seq", "stale-timestamp" }));
    }

    [Fact]
    public async Task Messages_taken_but_not_yet_durable_when_the_gateway_dies_are_redelivered_by_Mosquitto_and_applied_once()
    {
        var directory = Directory.CreateTempSubdirectory("urbantwin-mqtt-").FullName;
        await using var broker = await MosquittoServer.StartAsync(directory);
        // A durable write Redis does not confirm fails in a second: the items are retried.
        await using var cluster = await StartClusterAsync(broker, [("Storage__RedisTimeout", "00:00:01")]);
        var assets = AssetPlan.For(ReferenceTopology.Load()).Where(a => a.Kind == AssetCatalog.GasPipeline).Select(a => a.Id).Skip(100).Take(21).ToArray();
        using var publisher = await ConnectPublisherAsync(broker, "test-device-redelivery");
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        await WaitSubscribedAsync(cluster, publisher, assets[^1], start);
        var stream = assets[..^1];

        // Redis hangs: the gateway takes the messages (the broker has them acknowledged by the publisher) but cannot
        // make them durable, so it does not acknowledge them; then it dies.
        await cluster.Redis.FreezeAsync();
        try
        {
            foreach (var asset in stream)
            {
                Assert.True((await PublishAsync(publisher, asset, start, 0)).IsSuccess);
            }
            await Eventually.Until(() => MqttMessagesAsync(cluster, "retried"), n => n >= 1, Deadline, "the gateway retrying items Redis did not confirm");
            cluster.Gateway!.Kill();
        }
        finally
        {
            await cluster.Redis.ResumeAsync();
        }
        await cluster.StartGatewayAsync();

        // Nothing was published since: what the new gateway handles, the broker redelivered.
        var redelivered = await Eventually.Until(() => MqttMessagesAsync(cluster), n => n >= stream.Length, Deadline, "the unacknowledged messages redelivered");
        output.WriteLine($"messages the restarted gateway was handed again: {redelivered}");
        foreach (var asset in stream)
        {
            // The reading is in the asset's state, once: its time and seq, its value. (Its point in the in-memory history
            // may be gone: the activation that first took it was dropped when its durable write failed.)
            var state = await Eventually.Until(() => cluster.GetJsonAsync($"/api/v1/assets/{asset}"), a => a["lastSeq"] is not null,
                Deadline, $"the reading of {asset}");
            Assert.Equal(start.AddTicks(-(start.UtcTicks % TimeSpan.TicksPerMillisecond)), DateTimeOffset.Parse((string)state["lastReadingAt"]!));
            Assert.Equal((0L, 1.0), ((long)state["lastSeq"]!, (double)state["readings"]!["gasLel"]!["value"]!));
        }
    }

    /// <summary>Redis, one silo and a gateway subscribed to <paramref name="broker"/> with a fixed client id, acknowledging durably.</summary>
    private Task<LocalCluster> StartClusterAsync(MosquittoServer broker, (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Mqtt__Server"] = "127.0.0.1",
            ["Mqtt__Port"] = broker.Port.ToString(),
            ["Mqtt__ClientId"] = "urbantwin-gateway-0",
            ["Mqtt__Ack"] = "durable",
            ["Mqtt__ReconnectDelay"] = "00:00:00.200",
            ["Mqtt__RetryDelay"] = "00:00:00.200",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return LocalCluster.StartAsync(output, silos: 1, settings: settings);
    }

    private static async Task<IMqttClient> ConnectPublisherAsync(MosquittoServer broker, string clientId)
    {
        var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId).Build());
        return publisher;
    }

    /// <summary>The gateway's session must exist before a stream: a probe reading, published until it is applied.</summary>
    private static Task WaitSubscribedAsync(LocalCluster cluster, IMqttClient publisher, string probe, DateTimeOffset start) =>
        Eventually.Until(async () =>
        {
            await PublishAsync(publisher, probe, start, 0);
            return await HistoryAsync(cluster, probe);
        }, values => values.Length > 0, Deadline, "the gateway subscribed (a probe reading applied)");

    /// <summary>The gateway's count of MQTT messages handled (of one result, or all).</summary>
    private static async Task<double> MqttMessagesAsync(LocalCluster cluster, string? result = null)
    {
        try
        {
            var text = await cluster.Http.GetStringAsync("/metrics");
            return UrbanTwin.Simulator.Bench.PrometheusText.Sum(text, "urbantwin_mqtt_messages_total", result is null ? null : $"result=\"{result}\"");
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient publisher, string asset, DateTimeOffset start, int reading) =>
        publisher.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"urbantwin/v1/assets/{asset}/telemetry")
            .WithPayload(Encoding.UTF8.GetBytes($$"""{"ts":"{{start.AddSeconds(reading):yyyy-MM-ddTHH:mm:ss.fffZ}}","seq":{{reading}},"metrics":{"gasLel":{{reading + 1}}} }"""))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

    private static async Task<double[]> HistoryAsync(LocalCluster cluster, string asset)
    {
        try
        {
            var history = await cluster.GetJsonAsync($"/api/v1/assets/{asset}/history?metric=gasLel&from={DateTimeOffset.UtcNow.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}");
            return [.. history["points"]!.AsArray().Select(p => (double)p!["value"]!)];
        }
        catch (HttpRequestException)
        {
            return []; // the gateway is restarting
        }
    }
}
