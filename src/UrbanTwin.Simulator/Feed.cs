using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using UrbanTwin.Demo;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Simulator;

/// <summary>A fixed-rate feed of generated readings for the reference assets, as HTTP batches or MQTT messages.</summary>
internal static class Feed
{
    /// <summary>The topic an MQTT feed publishes on: a source of its own, so its batches stay in order.</summary>
    public const string MqttTopic = "urbantwin/v1/telemetry/simulator";

    /// <summary>What one batch came to: readings accepted (MQTT: taken by the broker), refused, and whether the batch failed as a whole.</summary>
    private readonly record struct Sent(long Accepted, long Rejected, bool Failed);

    public static async Task<int> RunAsync(GatewayRun options, Uri? mqtt = null)
    {
        if (mqtt is not null)
        {
            return await RunMqttAsync(options, mqtt);
        }
        using var http = GatewayClient.Create(options.Url, TimeSpan.FromSeconds(30));
        if (await GatewayClient.AccessProblemAsync(http) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 2;
        }
        Console.WriteLine($"Feeding {options.Url}: {options.Rate} readings/s in batches of {options.Batch} for {options.Seconds} s");
        return await LoopAsync(options, async batch =>
        {
            try
            {
                using var response = await http.PostAsJsonAsync("/api/v1/telemetry", batch);
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
                return new Sent((long?)body?["accepted"] ?? 0, body?["rejected"]?.AsArray().Count ?? 0, (int)response.StatusCode >= 400);
            }
            catch (HttpRequestException ex)
            {
                Console.Error.WriteLine($"batch failed: {ex.Message}");
                return new Sent(0, 0, true);
            }
        }, () => 0);
    }

    /// <summary>
    /// Publishes the batches with QoS 1 (<c>mqtt://[user:password@]host[:port]</c>) and follows the rejected topic: a
    /// broker acknowledges a message when it has it, so what the twin refused is read from there.
    /// </summary>
    private static async Task<int> RunMqttAsync(GatewayRun options, Uri broker)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var refused = 0L;
        client.ApplicationMessageReceivedAsync += e =>
        {
            if ((string?)JsonNode.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload))?["topic"] == MqttTopic)
            {
                Interlocked.Increment(ref refused);
            }
            return Task.CompletedTask;
        };
        var credentials = broker.UserInfo.Split(':', 2);
        var connect = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.IsDefaultPort || broker.Port < 0 ? 1883 : broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("urbantwin-simulator-" + Environment.ProcessId);
        if (credentials[0].Length > 0)
        {
            connect.WithCredentials(Uri.UnescapeDataString(credentials[0]), credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : null);
        }
        var connected = await client.ConnectAsync(connect.Build());
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            Console.Error.WriteLine($"The broker at {broker.Host} refused the connection: {connected.ResultCode}");
            return 2;
        }
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("urbantwin/v1/rejected", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Console.WriteLine($"Feeding mqtt://{broker.Host}:{broker.Port} topic {MqttTopic}: {options.Rate} readings/s in messages of {options.Batch} for {options.Seconds} s");
        var result = await LoopAsync(options, async batch =>
        {
            var published = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MqttTopic).WithPayload(batch.ToJsonString())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            return published.IsSuccess ? new Sent(batch.Count, 0, false) : new Sent(0, 0, true);
        }, () => Interlocked.Read(ref refused));
        await client.DisconnectAsync();
        return result;
    }

    private static async Task<int> LoopAsync(GatewayRun options, Func<JsonArray, Task<Sent>> send, Func<long> refusedElsewhere)
    {
        var assets = AssetPlan.For(ReferenceTopology.Load()).ToArray();
        var random = new Random(1);
        var interval = TimeSpan.FromSeconds(options.Batch / (double)options.Rate);
        long sent = 0, accepted = 0, rejected = 0, failedBatches = 0;
        var next = 0;
        var clock = Stopwatch.StartNew();
        var due = TimeSpan.Zero;
        while (clock.Elapsed < TimeSpan.FromSeconds(options.Seconds))
        {
            var batch = new JsonArray();
            var now = DateTimeOffset.UtcNow.ToString("O");
            for (var i = 0; i < options.Batch; i++, next = (next + 1) % assets.Length)
            {
                var metrics = new JsonObject();
                foreach (var sample in ReadingGenerator.Generate(assets[next].Kind, random))
                {
                    metrics[sample.Metric] = sample.Value;
                }
                batch.Add(new JsonObject { ["assetId"] = assets[next].Id, ["ts"] = now, ["metrics"] = metrics });
            }
            var outcome = await send(batch);
            accepted += outcome.Accepted;
            rejected += outcome.Rejected;
            failedBatches += outcome.Failed ? 1 : 0;
            sent += options.Batch;
            due += interval;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }
        rejected += refusedElsewhere();
        Console.WriteLine($"sent {sent}, accepted {accepted}, rejected {rejected}, failed batches {failedBatches}, " +
            $"{sent / clock.Elapsed.TotalSeconds:F0} readings/s over {clock.Elapsed.TotalSeconds:F1} s over {assets.Length} assets");
        return failedBatches == 0 && rejected == 0 ? 0 : 1;
    }
}
