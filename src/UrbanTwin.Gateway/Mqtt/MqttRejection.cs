using System.Text.Json;
using System.Text.Json.Serialization;
using MQTTnet;
using MQTTnet.Protocol;

namespace UrbanTwin.Gateway.Mqtt;

/// <summary>
/// A refusal, published on <c>{prefix}/rejected</c>: the item's place in its message (null for the whole message),
/// its asset when known, and the same reasons as HTTP, plus the message-level ones below.
/// </summary>
public sealed record MqttRejection(string Topic, int? Index, string? AssetId, string Reason, string Detail, DateTimeOffset ReceivedAt)
{
    /// <summary>The payload is not JSON, an array, an object or NDJSON the twin reads, or is empty.</summary>
    public const string MalformedPayload = "malformed-payload";

    /// <summary>The payload is over <c>Mqtt:MaxPayloadBytes</c>, or holds more than <c>Ingest:MaxItemsPerBatch</c> items.</summary>
    public const string PayloadTooLarge = "payload-too-large";

    /// <summary>The key published more than <c>Mqtt:MessagesPerSecondPerKey</c> (embedded broker).</summary>
    public const string RateLimited = "rate-limited";

    /// <summary>The key may not write telemetry (a reader or operator key, embedded broker).</summary>
    public const string Forbidden = "forbidden";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>The message that publishes it on <paramref name="rejectedTopic"/>: JSON, QoS 1 (whoever publishes it, broker or ingest).</summary>
    public MqttApplicationMessage ToMessage(string rejectedTopic) => new MqttApplicationMessageBuilder()
        .WithTopic(rejectedTopic)
        .WithPayload(JsonSerializer.SerializeToUtf8Bytes(this, Json))
        .WithContentType("application/json")
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();
}
