using Microsoft.AspNetCore.Hosting;
using UrbanTwin.Simulator.Processes;

namespace UrbanTwin.Gateway.Tests.Mqtt;

[CollectionDefinition(Name)]
public sealed class MqttCollection : ICollectionFixture<MqttGatewayFixture>
{
    public const string Name = "mqtt";
}

/// <summary>
/// An embedded gateway with its MQTT broker on a free port, in keys mode: devices log in with a key's name and the
/// key, and each key's role, scope and rate apply to what it publishes.
/// </summary>
public sealed class MqttGatewayFixture : GatewayFixture
{
    public static readonly (string Name, string Role, string[] Scopes, string Key)[] Keys =
    [
        ("fleet", "writer", [], "k-fleet-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d"),
        ("ty-writer", "writer", ["taiyuan"], "k-ty-writer-1b2c3d4e5f6a7b8c9d0e1f2a3b4c"),
        ("reader", "reader", [], "k-reader-2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f"),
        ("flood", "writer", [], "k-flood-3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a"),
        ("admin", "admin", [], "k-admin-4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b"),
    ];

    /// <summary>Messages a second per key; the burst is twice that.</summary>
    public const int MessagesPerSecondPerKey = 20;

    public const int MaxPayloadBytes = 64 * 1024;

    public int MqttPort { get; } = Ports.Free();

    public static string KeyOf(string name) => Keys.Single(k => k.Name == name).Key;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Mqtt:Port", MqttPort.ToString());
        builder.UseSetting("Mqtt:MessagesPerSecondPerKey", MessagesPerSecondPerKey.ToString());
        builder.UseSetting("Mqtt:MaxPayloadBytes", MaxPayloadBytes.ToString());
        builder.UseSetting("Mqtt:RetryDelay", "00:00:00.100");
        KeysGatewayFixture.Configure(builder, Keys);
    }

    /// <summary>An HTTP client with the admin key, to look at what MQTT changed.</summary>
    public HttpClient Admin()
    {
        var http = CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", KeyOf("admin"));
        return http;
    }

    /// <summary>A device connected with <paramref name="keyName"/>'s key, following the rejected topic.</summary>
    public Task<MqttDevice> DeviceAsync(string keyName) => MqttDevice.ConnectAsync(MqttPort, keyName, KeyOf(keyName));
}
