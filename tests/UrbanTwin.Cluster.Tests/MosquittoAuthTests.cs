using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using UrbanTwin.Cluster.Tests.Harness;
using UrbanTwin.Simulator.Mqtt;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// Mosquitto's password and ACL files made from the API keys (<c>Simulator mqtt-auth</c>), tried on a real
/// <c>mosquitto</c>: each key logs in with its name and key and may publish exactly what it may write.
/// </summary>
public sealed class MosquittoAuthTests(ITestOutputHelper output)
{
    private static readonly (string Name, string Role, string? Scope, string Key)[] Keys =
    [
        ("fleet", "writer", null, "k-fleet-5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"),
        ("xiaodian", "writer", "taiyuan-xiaodian", "k-xiaodian-6f7a8b9c0d1e2f3a4b5c6d7e8f9a"),
        ("reader", "reader", null, "k-reader-7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"),
    ];

    [Fact]
    public async Task Each_key_logs_in_to_Mosquitto_with_its_key_and_publishes_only_what_it_may_write()
    {
        var directory = Directory.CreateTempSubdirectory("urbantwin-mqtt-auth-").FullName;
        var keysFile = Path.Combine(directory, "api-keys.env");
        var lines = new List<string>();
        for (var i = 0; i < Keys.Length; i++)
        {
            lines.Add($"Auth__Keys__{i}__Name={Keys[i].Name}");
            lines.Add($"Auth__Keys__{i}__Hash={Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Keys[i].Key)))}");
            lines.Add($"Auth__Keys__{i}__Role={Keys[i].Role}");
            if (Keys[i].Scope is { } scope)
            {
                lines.Add($"Auth__Keys__{i}__Scopes__0={scope}");
            }
        }
        await File.WriteAllLinesAsync(keysFile, lines);
        var secretsFile = Path.Combine(directory, "keys.txt");
        await File.WriteAllLinesAsync(secretsFile, Keys.Select(k => $"{k.Name}={k.Key}"));

        // The scoped writer's assets come from a running gateway (an embedded one here).
        await using (var gateway = await LocalCluster.StartEmbeddedGatewayAsync(directory, new Dictionary<string, string> { ["Simulation__Enabled"] = "false" }, output))
        {
            var simulator = ServiceProcess.Start("mqtt-auth", "dotnet",
                [Binaries.Of("UrbanTwin.Simulator", Binaries.OwnConfiguration), "mqtt-auth", "--keys", keysFile, "--secrets", secretsFile,
                 "--out", Path.Combine(directory, "auth"), "--gateway-password", "gateway-secret", "--url", gateway.Url.ToString()],
                new Dictionary<string, string>(), Path.Combine(directory, "mqtt-auth.log"));
            Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, simulator.LogTail());
        }
        var acl = await File.ReadAllTextAsync(Path.Combine(directory, "auth", "acl"));
        output.WriteLine(acl);
        Assert.Contains("topic write urbantwin/v1/assets/taiyuan-xiaodian-gas-001/telemetry", acl);
        Assert.DoesNotContain("datong", acl);

        await using var broker = await MosquittoServer.StartAsync(directory, (Path.Combine(directory, "auth", "passwords"), Path.Combine(directory, "auth", "acl")));
        using var fleet = await ConnectAsync(broker, "fleet", Keys[0].Key);
        Assert.True((await PublishAsync(fleet, "urbantwin/v1/telemetry")).IsSuccess);
        Assert.True((await PublishAsync(fleet, "urbantwin/v1/telemetry/dau-1")).IsSuccess);
        Assert.True((await PublishAsync(fleet, "urbantwin/v1/assets/datong-pingcheng-gas-001/telemetry")).IsSuccess);

        using var scoped = await ConnectAsync(broker, "xiaodian", Keys[1].Key);
        Assert.True((await PublishAsync(scoped, "urbantwin/v1/assets/taiyuan-xiaodian-gas-001/telemetry")).IsSuccess);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await PublishAsync(scoped, "urbantwin/v1/assets/datong-pingcheng-gas-001/telemetry")).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await PublishAsync(scoped, "urbantwin/v1/telemetry")).ReasonCode);

        using var reader = await ConnectAsync(broker, "reader", Keys[2].Key);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await PublishAsync(reader, "urbantwin/v1/telemetry")).ReasonCode);

        using var gatewayUser = await ConnectAsync(broker, MosquittoAuth.GatewayUser, "gateway-secret");
        var subscribed = await gatewayUser.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("$share/urbantwin/urbantwin/v1/telemetry/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, subscribed.Items.Single().ResultCode);

        using var wrong = new MqttClientFactory().CreateMqttClient();
        var refused = await Record.ExceptionAsync(async () =>
        {
            var result = await wrong.ConnectAsync(Options(broker, "fleet", Keys[1].Key));
            Assert.NotEqual(MqttClientConnectResultCode.Success, result.ResultCode);
        });
        Assert.False(wrong.IsConnected, refused?.Message);
    }

    [Fact]
    public void Password_lines_are_Mosquittos_own_PBKDF2_format_and_keys_are_read_as_the_gateway_reads_them()
    {
        var line = MosquittoAuth.PasswordLine("fleet", "secret", salt: new byte[12]);
        Assert.Matches(@"^fleet:\$7\$101\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}$", line);
        var keys = MosquittoAuth.ParseKeys(
            ["# comment", "Auth__Keys__1__Name=b", "Auth__Keys__1__Hash=h1", "Auth__Keys__1__Role=Writer", "Auth__Keys__1__Scopes__0=taiyuan",
             "Auth__Keys__0__Name=a", "Auth__Keys__0__Hash=h0", "Auth__Keys__0__Role=reader", "Other=x"],
            new Dictionary<string, string> { ["a"] = "ka" });
        Assert.Equal(["a", "b"], keys.Select(k => k.Name));
        Assert.Equal((string[])["taiyuan"], keys[1].Scopes);
        Assert.Equal("writer", keys[1].Role);
        Assert.Equal("ka", keys[0].Key);
        Assert.Contains("no key given for 'b'", MosquittoAuth.CheckKey(keys[1]));
        Assert.Contains("does not match", MosquittoAuth.CheckKey(keys[0]));
    }

    private static MqttClientOptions Options(MosquittoServer broker, string user, string password) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", broker.Port).WithProtocolVersion(MqttProtocolVersion.V500).WithCredentials(user, password)
        .WithClientId($"test-{user}-{Guid.NewGuid():N}"[..20]).Build();

    private static async Task<IMqttClient> ConnectAsync(MosquittoServer broker, string user, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(Options(broker, user, password));
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes("{}"))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
}
