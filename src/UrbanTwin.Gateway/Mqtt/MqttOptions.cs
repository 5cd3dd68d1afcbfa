using UrbanTwin.Contracts.Ingest;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Mqtt;

/// <summary>
/// MQTT ingest (<c>Mqtt</c> section). With <see cref="Server"/> set, the gateway subscribes to that broker (Mosquitto,
/// EMQX…); without it, an embedded run hosts a broker of its own on <see cref="Port"/> (0: no MQTT at all) and a
/// cluster gateway takes no MQTT.
/// </summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>An external broker's host name; empty: the embedded broker (embedded run) or none (cluster).</summary>
    public string? Server { get; set; }

    /// <summary>The external broker's port, or the port the embedded broker listens on (0: MQTT off).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Where the embedded broker listens: loopback by default (a device on the network needs <c>0.0.0.0</c>).</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    public bool UseTls { get; set; }

    /// <summary>The gateway's own credentials at an external broker (from a Secret in Kubernetes).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// The gateway's client id: stable per pod (default <c>urbantwin-gateway-{host name}</c>), so its persistent
    /// session, and the messages the broker holds for it, outlive a crash of the process.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>How long the broker keeps the gateway's session (and its unacknowledged messages) after a disconnect.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The first level(s) of every topic: <c>{prefix}/telemetry</c>, <c>{prefix}/assets/{id}/telemetry</c>, <c>{prefix}/rejected</c>.</summary>
    public string TopicPrefix { get; set; } = "urbantwin/v1";

    /// <summary>
    /// With an external broker, the MQTT 5 shared subscription group (<c>$share/{group}/…</c>) the gateways split
    /// the messages in; empty: every gateway gets every message (one gateway only).
    /// </summary>
    public string? SharedGroup { get; set; } = "urbantwin";

    /// <summary><c>accepted</c>: a message is acknowledged once the grains took its readings; <c>durable</c>: once they are in Redis.</summary>
    public Ack Ack { get; set; } = Ack.Accepted;

    /// <summary>
    /// Messages processed at once, each topic in order in one lane (one asset's readings are never reordered); a
    /// batch topic's messages are one lane, each message spread over the grains like an HTTP batch.
    /// </summary>
    public int Lanes { get; set; } = 16;

    /// <summary>Largest payload taken; larger ones are refused as <c>payload-too-large</c> (and acknowledged).</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a message whose items the cluster could not take (<c>unavailable</c>) waits before they are tried again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first wait before reconnecting to the broker; doubled on each failure up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages per second one key may publish to the embedded broker (above it they are refused as <c>rate-limited</c>); 0: no limit.</summary>
    public int MessagesPerSecondPerKey { get; set; } = 1000;
}

public sealed class MqttRules : SettingsRules<MqttOptions>
{
    protected override string Section => MqttOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(MqttOptions o) =>
    [
        Between(o.Port, 0, 65_535, nameof(o.Port)),
        (System.Net.IPAddress.TryParse(o.BindAddress, out _), nameof(o.BindAddress), "must be an IP address"),
        (MqttTopics.IsValidPrefix(o.TopicPrefix), nameof(o.TopicPrefix), "must be topic levels without wildcards, e.g. urbantwin/v1"),
        (string.IsNullOrEmpty(o.SharedGroup) || MqttTopics.IsValidLevel(o.SharedGroup), nameof(o.SharedGroup), "must be one topic level without wildcards"),
        (string.IsNullOrEmpty(o.ClientId) || o.ClientId.Length <= 128, nameof(o.ClientId), "must be at most 128 characters"),
        Between(o.Lanes, 1, 1024, nameof(o.Lanes)),
        Between(o.MaxPayloadBytes, 64, 256 * 1024 * 1024, nameof(o.MaxPayloadBytes)),
        Positive(o.RetryDelay, nameof(o.RetryDelay)),
        Positive(o.ReconnectDelay, nameof(o.ReconnectDelay)),
        (o.MaxReconnectDelay >= o.ReconnectDelay, nameof(o.MaxReconnectDelay), "must be at least ReconnectDelay"),
        Positive(o.SessionExpiry, nameof(o.SessionExpiry)),
        Between(o.MessagesPerSecondPerKey, 0, 1_000_000, nameof(o.MessagesPerSecondPerKey)),
    ];
}
