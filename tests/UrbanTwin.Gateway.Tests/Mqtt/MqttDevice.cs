using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace UrbanTwin.Gateway.Tests.Mqtt;

/// <summary>A device or data-acquisition unit as an integrator would write one: an MQTT 5 client that publishes with QoS 1.</summary>
public sealed class MqttDevice : IAsyncDisposable
{
    public const string Prefix = "urbantwin/v1";
    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<JsonNode> _rejected = new();

    private MqttDevice(IMqttClient client) => _client = client;

    /// <summary>Every refusal published on the rejected topic since this device connected (all publishers').</summary>
    public IReadOnlyCollection<JsonNode> Rejected => _rejected;

    public static async Task<MqttDevice> ConnectAsync(int port, string user, string password, bool followRejected = true)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new MqttDevice(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            device._rejected.Enqueue(JsonNode.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload))!);
            return Task.CompletedTask;
        };
        var connected = await client.ConnectAsync(Options(port, user, password));
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"connect: {connected.ResultCode}");
        }
        if (followRejected)
        {
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Prefix + "/rejected", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }
        return device;
    }

    public static MqttClientOptions Options(int port, string user, string password) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", port)
        .WithProtocolVersion(MqttProtocolVersion.V500)
        .WithClientId("test-" + Guid.NewGuid().ToString("N")[..12])
        .WithCredentials(user, password)
        .Build();

    public IMqttClient Client => _client;

    /// <summary>Publishes with QoS 1 and returns the broker's acknowledgement.</summary>
    public Task<MqttClientPublishResult> PublishAsync(string topic, string payload) => PublishAsync(topic, Encoding.UTF8.GetBytes(payload));

    public Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public static string AssetTopic(string asset) => $"{Prefix}/assets/{asset}/telemetry";

    /// <summary>Waits for a refusal on <paramref name="topic"/> that <paramref name="match"/> accepts.</summary>
    public async Task<JsonNode> RejectionAsync(string topic, Func<JsonNode, bool> match, string what) =>
        (await Eventually.Until(() => Task.FromResult(_rejected.FirstOrDefault(r => (string?)r["topic"] == topic && match(r))), r => r is not null,
            TimeSpan.FromSeconds(30), what))!;

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }
        _client.Dispose();
    }
}
