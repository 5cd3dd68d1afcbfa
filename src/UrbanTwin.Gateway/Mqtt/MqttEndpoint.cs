using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Hosting;

namespace UrbanTwin.Gateway.Mqtt;

public enum MqttBrokerKind
{
    /// <summary>No MQTT: a cluster gateway without <c>Mqtt:Server</c>, or <c>Mqtt:Port=0</c>.</summary>
    None,

    /// <summary>A broker in this process (MQTTnet's server): the embedded run's default.</summary>
    Embedded,

    /// <summary>An existing broker the gateway connects to (<c>Mqtt:Server</c>).</summary>
    External,
}

/// <summary>Which broker the gateway's ingest talks to, decided once from the settings and the run mode.</summary>
public sealed class MqttEndpoint
{
    /// <summary>The user name of the gateway's own client at the embedded broker, which no API key may take.</summary>
    public const string IngestUser = "urbantwin-ingest";

    public MqttEndpoint(IOptions<MqttOptions> options, RunMode runMode)
    {
        var o = options.Value;
        Kind = !string.IsNullOrWhiteSpace(o.Server) ? MqttBrokerKind.External
            : o.Port != 0 && !runMode.IsCluster ? MqttBrokerKind.Embedded
            : MqttBrokerKind.None;
        Host = Kind == MqttBrokerKind.External ? o.Server!.Trim() : o.BindAddress;
        Topics = new MqttTopics(o.TopicPrefix);
        Port = o.Port;
        ClientId = string.IsNullOrWhiteSpace(o.ClientId) ? $"urbantwin-gateway-{Environment.MachineName}".ToLowerInvariant() : o.ClientId;
    }

    public MqttBrokerKind Kind { get; }

    public string Host { get; }

    public int Port { get; }

    public MqttTopics Topics { get; }

    public string ClientId { get; }

    /// <summary>The password of the gateway's own client at the embedded broker: random per process, never configured.</summary>
    public string IngestPassword { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
