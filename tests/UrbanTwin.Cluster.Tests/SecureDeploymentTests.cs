using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;
using UrbanTwin.Cluster.Tests.Harness;

namespace UrbanTwin.Cluster.Tests;

/// <summary>How a production deployment is secured, with processes: API keys required, Redis behind a password.</summary>
public sealed class SecureDeploymentTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("urbantwin-secure-").FullName;

    [Theory]
    [InlineData(null, "no key is configured")]
    [InlineData("my-api-key-in-clear", "Auth:Keys:0:Hash")]
    public async Task A_cluster_gateway_refuses_to_start_without_valid_keys_unless_told_it_may_run_open(string? hash, string reason)
    {
        var settings = new Dictionary<string, string>
        {
            // Never reached: the gateway must stop before it connects to anything.
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{Ports.Free()}",
            ["Urls"] = $"http://127.0.0.1:{Ports.Free()}",
        };
        if (hash is not null)
        {
            settings["Auth__Keys__0__Name"] = "careless";
            settings["Auth__Keys__0__Hash"] = hash;
            settings["Auth__Keys__0__Role"] = "admin";
        }
        await using var gateway = ServiceProcess.Start("gateway", "dotnet", [Binaries.Gateway], settings, Path.Combine(_directory, "gateway.log"));
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var log = gateway.LogTail(200);
        output.WriteLine(log);
        Assert.Equal(1, exitCode);
        Assert.Contains("Refusing to start", log);
        Assert.Contains(reason, log);
        if (hash is not null)
        {
            Assert.DoesNotContain(hash, log); // a key pasted where its hash belongs is not echoed into the log
        }
    }

    [Fact]
    public async Task A_cluster_on_a_password_protected_Redis_refuses_keyless_writes_and_keeps_durable_ones_in_Redis()
    {
        var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var cluster = await LocalCluster.StartAsync(output, silos: 1, redisPassword: password);
        var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var response = await cluster.Http.PostAsync("/api/v1/telemetry?ack=durable", JsonContent.Create(new JsonArray(new JsonObject
        {
            ["assetId"] = "taiyuan-xiaodian-gas-001", ["ts"] = ts, ["metrics"] = new JsonObject { ["gasLel"] = 12.5 },
        })));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The cluster gateway takes no write without a key.
        using (var anonymous = new HttpClient { BaseAddress = cluster.Http.BaseAddress })
        {
            var refused = await anonymous.PostAsync("/api/v1/telemetry", JsonContent.Create(new JsonArray(new JsonObject
            {
                ["assetId"] = "taiyuan-xiaodian-gas-001", ["ts"] = DateTimeOffset.UtcNow.ToString("O"), ["metrics"] = new JsonObject { ["gasLel"] = 40 },
            })));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        var asset = await cluster.GetJsonAsync("/api/v1/assets/taiyuan-xiaodian-gas-001");
        Assert.Equal(12.5, (double)asset["readings"]!["gasLel"]!["value"]!);

        // Without the password Redis refuses; with it, the asset's state is there.
        using (var anonymous = new System.Net.Sockets.TcpClient())
        {
            await anonymous.ConnectAsync(IPAddress.Loopback, cluster.Redis.Port);
            var stream = anonymous.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer);
            Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }
        await using var authorized = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString);
        var server = authorized.GetServer($"127.0.0.1:{cluster.Redis.Port}");
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "*taiyuan-xiaodian-gas-001*"))
        {
            keys.Add(key);
        }
        Assert.NotEmpty(keys);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a log still open by a process being reaped; the temp directory is cleaned by the OS
        }
    }
}
