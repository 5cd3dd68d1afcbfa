using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Protocol;
using UrbanTwin.Demo;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Gateway.Tests.Mqtt;

/// <summary>
/// Telemetry over MQTT as devices send it, through the embedded broker (a real TCP listener) into the grains: the
/// same validation as HTTP, every refusal published on the rejected topic, keys' roles, scopes and rates applied.
/// Each test has its own assets.
/// </summary>
[Collection(MqttCollection.Name)]
public sealed class MqttIngestTests(MqttGatewayFixture gateway)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly string[] Gas = [.. AssetPlan.For(ReferenceTopology.Load()).Where(a => a.Kind == AssetCatalog.GasPipeline).Select(a => a.Id)];
    private static readonly string[] TaiyuanGas = [.. Gas.Where(a => a.StartsWith("taiyuan-", StringComparison.Ordinal))];
    private static readonly string[] DatongGas = [.. Gas.Where(a => a.StartsWith("datong-", StringComparison.Ordinal))];
    private readonly HttpClient _http = gateway.Admin();

    private async Task<JsonNode> AssetAsync(string asset) => await GatewayFixture.ReadJson(await _http.GetAsync($"/api/v1/assets/{asset}"));

    private Task<JsonNode> StatusAsync(string asset, string status) =>
        Eventually.Until(() => AssetAsync(asset), a => (string?)a["status"] == status, Deadline, $"{asset} {status}");

    private static string Ts(int secondsAgo) => DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    [Fact]
    public async Task A_reading_without_a_time_on_an_assets_topic_puts_it_in_alarm_with_the_time_it_was_received()
    {
        var asset = TaiyuanGas[0];
        await using var device = await gateway.DeviceAsync("fleet");
        var before = DateTimeOffset.UtcNow;

        var ack = await device.PublishAsync(MqttDevice.AssetTopic(asset), """{"metrics":{"gasLel":60}}""");

        Assert.True(ack.IsSuccess, ack.ReasonCode.ToString());
        var state = await StatusAsync(asset, "alarm");
        var readAt = DateTimeOffset.Parse((string)state["lastReadingAt"]!);
        Assert.InRange(readAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.True((bool)state["lastReadingTimedByGateway"]!); // the reading says who timed it
        await device.PublishAsync(MqttDevice.AssetTopic(asset), $$"""{"ts":"{{Ts(-1)}}","seq":7,"metrics":{"gasLel":0} }""");
        Assert.False((bool)(await StatusAsync(asset, "normal"))["lastReadingTimedByGateway"]!);
    }

    [Fact]
    public async Task A_batch_is_taken_as_over_HTTP_and_each_refused_item_is_published_with_its_index_and_reason()
    {
        var (a, b) = (TaiyuanGas[1], TaiyuanGas[2]);
        await using var device = await gateway.DeviceAsync("fleet");
        var batch = $$"""
            [{"assetId":"{{a}}","ts":"{{Ts(1)}}","metrics":{"gasLel":61} },
             {"assetId":"no-such-asset-1","ts":"{{Ts(1)}}","metrics":{"gasLel":1} },
             {"assetId":"{{b}}","ts":"{{Ts(1)}}","metrics":{"gasLel":"high"} }]
            """;

        await device.PublishAsync(MqttDevice.Prefix + "/telemetry", batch);

        await StatusAsync(a, "alarm");
        var unknown = await device.RejectionAsync(MqttDevice.Prefix + "/telemetry", r => (int?)r["index"] == 1, "item 1 refused");
        Assert.Equal(("no-such-asset-1", "unknown-asset"), ((string?)unknown["assetId"], (string?)unknown["reason"]));
        var wrongType = await device.RejectionAsync(MqttDevice.Prefix + "/telemetry", r => (int?)r["index"] == 2, "item 2 refused");
        Assert.Equal(("invalid-value", b), ((string?)wrongType["reason"], (string?)wrongType["assetId"]));
        Assert.Contains("number", (string?)wrongType["detail"]);
        Assert.True(DateTimeOffset.TryParse((string?)unknown["receivedAt"], out _));
        Assert.NotEqual("alarm", (string?)(await AssetAsync(b))["status"]);
    }

    [Fact]
    public async Task Ndjson_and_a_pretty_printed_object_are_batches_too_also_on_a_sources_own_topic()
    {
        var (a, b, c) = (TaiyuanGas[3], TaiyuanGas[4], TaiyuanGas[5]);
        await using var device = await gateway.DeviceAsync("fleet");

        await device.PublishAsync(MqttDevice.Prefix + "/telemetry",
            $"{{\"assetId\":\"{a}\",\"metrics\":{{\"gasLel\":62}}}}\n{{\"assetId\":\"{b}\",\"metrics\":{{\"gasLel\":63}}}}\n");
        await device.PublishAsync(MqttDevice.Prefix + "/telemetry/dau-17", $"{{\n  \"assetId\": \"{c}\",\n  \"metrics\": {{ \"gasLel\": 64 }}\n}}");

        await StatusAsync(a, "alarm");
        await StatusAsync(b, "alarm");
        await StatusAsync(c, "alarm");
    }

    [Fact]
    public async Task A_body_naming_another_asset_than_its_topic_is_refused()
    {
        var (topicAsset, other) = (TaiyuanGas[6], TaiyuanGas[7]);
        await using var device = await gateway.DeviceAsync("fleet");

        await device.PublishAsync(MqttDevice.AssetTopic(topicAsset), $$"""{"assetId":"{{other}}","metrics":{"gasLel":70} }""");

        var refused = await device.RejectionAsync(MqttDevice.AssetTopic(topicAsset), _ => true, "the mismatch refused");
        Assert.Equal(("invalid-asset-id", topicAsset), ((string?)refused["reason"], (string?)refused["assetId"]));
        Assert.NotEqual("alarm", (string?)(await AssetAsync(topicAsset))["status"]);
        Assert.NotEqual("alarm", (string?)(await AssetAsync(other))["status"]);
    }

    [Fact]
    public async Task A_scoped_writer_has_its_items_outside_its_scope_refused_and_the_others_applied()
    {
        var (inside, outside) = (TaiyuanGas[8], DatongGas[0]);
        await using var device = await gateway.DeviceAsync("ty-writer");

        await device.PublishAsync(MqttDevice.Prefix + "/telemetry",
            $$"""[{"assetId":"{{outside}}","metrics":{"gasLel":65} },{"assetId":"{{inside}}","metrics":{"gasLel":65} }]""");

        await StatusAsync(inside, "alarm");
        var refused = await device.RejectionAsync(MqttDevice.Prefix + "/telemetry", r => (string?)r["assetId"] == outside, "out of scope");
        Assert.Equal("out-of-scope", (string?)refused["reason"]);
        Assert.NotEqual("alarm", (string?)(await AssetAsync(outside))["status"]);
    }

    [Fact]
    public async Task A_reader_key_may_not_publish_a_wrong_key_may_not_connect_and_a_device_may_not_follow_others_telemetry()
    {
        var asset = TaiyuanGas[9];
        await using var reader = await gateway.DeviceAsync("reader");
        var ack = await reader.PublishAsync(MqttDevice.AssetTopic(asset), """{"metrics":{"gasLel":66}}""");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, ack.ReasonCode);
        var forbidden = await reader.RejectionAsync(MqttDevice.AssetTopic(asset), _ => true, "the reader's message refused");
        Assert.Equal("forbidden", (string?)forbidden["reason"]);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync("fleet", "not-the-key"));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync("fleet", MqttGatewayFixture.KeyOf("ty-writer")));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync("urbantwin-ingest", MqttGatewayFixture.KeyOf("fleet")));

        await using var fleet = await gateway.DeviceAsync("fleet");
        var subscribed = await fleet.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(MqttDevice.Prefix + "/#").Build());
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, subscribed.Items.Single().ResultCode);
        Assert.NotEqual("alarm", (string?)(await AssetAsync(asset))["status"]);
    }

    [Fact]
    public async Task Mqtt311ClientWithoutAnIdConnects()
    {
        // As mosquitto_pub does by default: MQTT 3.1.1, a clean session and an empty client id (the broker assigns one).
        var asset = TaiyuanGas[15];
        using var client = new MqttClientFactory().CreateMqttClient();
        var connected = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", gateway.MqttPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).WithClientId("").WithCleanSession()
            .WithCredentials("fleet", MqttGatewayFixture.KeyOf("fleet")).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MqttDevice.AssetTopic(asset)).WithPayload("""{"metrics":{"gasLel":61}}""")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await StatusAsync(asset, "alarm");
    }

    private async Task<MqttClientConnectResultCode> ConnectAsync(string user, string password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        return (await client.ConnectAsync(MqttDevice.Options(gateway.MqttPort, user, password))).ResultCode;
    }

    [Fact]
    public async Task A_key_publishing_faster_than_its_rate_has_the_excess_refused_and_the_rest_applied()
    {
        var assets = TaiyuanGas[10..14];
        await using var flood = await gateway.DeviceAsync("flood");

        var acks = new List<MqttClientPublishResult>();
        for (var i = 0; i < 4 * MqttGatewayFixture.MessagesPerSecondPerKey; i++)
        {
            acks.Add(await flood.PublishAsync(MqttDevice.AssetTopic(assets[i % assets.Length]), $"{{\"metrics\":{{\"gasLel\":{i % 50}}}}}"));
        }

        Assert.Contains(acks, a => a.ReasonCode == MqttClientPublishReasonCode.NotAuthorized);
        Assert.Contains(acks, a => a.IsSuccess);
        var limited = await flood.RejectionAsync(MqttDevice.AssetTopic(assets[0]), r => (string?)r["reason"] == "rate-limited", "a rate-limited refusal");
        Assert.Contains("flood", (string?)limited["detail"]);
    }

    [Fact]
    public async Task Nothing_a_client_publishes_stops_the_ingest_and_every_bad_message_is_answered()
    {
        var asset = TaiyuanGas[14];
        await using var device = await gateway.DeviceAsync("fleet");
        var batchTopic = MqttDevice.Prefix + "/telemetry";
        var deep = new string('[', 200) + new string(']', 200);
        var cases = new (string Topic, byte[] Payload, string Reason)[]
        {
            (batchTopic, "[{\"assetId\":\"x\",\"ts\""u8.ToArray(), "malformed-payload"),
            (batchTopic, [0xC3, 0x28, 0x5B, 0x5D], "malformed-payload"),
            (batchTopic, Encoding.UTF8.GetBytes(deep), "malformed-payload"),
            (batchTopic, [], "malformed-payload"),
            (batchTopic, "42"u8.ToArray(), "malformed-payload"),
            (batchTopic, new byte[MqttGatewayFixture.MaxPayloadBytes + 1], "payload-too-large"),
            (batchTopic, "{\"assetId\": oops"u8.ToArray(), "malformed-payload"),
            (MqttDevice.AssetTopic(asset), "{\"metrics\":{\"gasLel\":NaN}}"u8.ToArray(), "malformed-payload"),
            (batchTopic, "{\"assetId\":\"a\",\"metrics\":{}}\n{oops\n"u8.ToArray(), "malformed-item"),
            (MqttDevice.AssetTopic(asset), "{\"metrics\":{\"gasLel\":1e999}}"u8.ToArray(), "invalid-value"),
            (MqttDevice.AssetTopic("not an id!"), "{\"metrics\":{\"gasLel\":1}}"u8.ToArray(), "invalid-asset-id"),
        };
        foreach (var (topic, payload, _) in cases)
        {
            await device.PublishAsync(topic, payload);
        }
        var wrongTopic = await device.PublishAsync(MqttDevice.Prefix + "/assets/" + asset + "/commands", "{}");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, wrongTopic.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await device.PublishAsync(batchTopic + "/dau-1/extra", "[]")).ReasonCode);

        await device.PublishAsync(MqttDevice.AssetTopic(asset), """{"metrics":{"gasLel":67}}""");
        await StatusAsync(asset, "alarm"); // still taking telemetry after all of that
        foreach (var (topic, _, reason) in cases)
        {
            var refused = await device.RejectionAsync(topic, r => (string?)r["reason"] == reason, $"{reason} on {topic}");
            Assert.False(string.IsNullOrEmpty((string?)refused["detail"]));
        }
    }
}
