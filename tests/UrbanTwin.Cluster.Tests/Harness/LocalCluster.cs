using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace UrbanTwin.Cluster.Tests.Harness;

/// <summary>
/// Redis, N silo processes and one gateway process, as <c>deploy/cluster.sh</c> runs them, on free ports in a
/// temporary directory. Silo 0 seeds the Shanxi reference data on its first start.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);

    private readonly ITestOutputHelper _output;
    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly (int Silo, int Gateway, int Http)[] _siloPorts;
    private readonly int _gatewayHttpPort = Ports.Free();
    private readonly IReadOnlyDictionary<string, string> _extraSettings;

    private LocalCluster(ITestOutputHelper output, RedisServer redis, string directory, int silos, IReadOnlyDictionary<string, string> extraSettings)
    {
        _output = output;
        Redis = redis;
        Directory = directory;
        _extraSettings = extraSettings;
        _siloPorts = [.. Enumerable.Range(0, silos).Select(_ => (Ports.Free(), Ports.Free(), Ports.Free()))];
        Silos = new ServiceProcess?[silos];
        Http = AdminKey.Authorize(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_gatewayHttpPort}"), Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>The admin key the gateways are configured with (cluster mode requires keys); <see cref="Http"/> sends it.</summary>
    public LocalApiKey AdminKey { get; } = new("cluster-tests");

    public RedisServer Redis { get; }
    /// <summary>The Orleans service id: the prefix of every key the cluster writes in Redis.</summary>
    public string ServiceId => _clusterId;
    public string Directory { get; }
    public ServiceProcess?[] Silos { get; }
    public ServiceProcess? Gateway { get; private set; }
    public HttpClient Http { get; }
    private readonly List<(ServiceProcess Process, HttpClient Http)> _extraGateways = [];

    public static async Task<LocalCluster> StartAsync(ITestOutputHelper output, int silos = 3, IReadOnlyDictionary<string, string>? settings = null,
        string? redisPassword = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "urbantwin-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        output.WriteLine($"cluster directory (logs, Redis data): {directory}");
        var redis = await RedisServer.StartAsync(directory, redisPassword);
        var cluster = new LocalCluster(output, redis, directory, silos, settings ?? new Dictionary<string, string>());
        try
        {
            await Task.WhenAll(Enumerable.Range(0, silos).Select(i => cluster.StartSiloAsync(i, seed: i == 0)));
            await cluster.StartGatewayAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public async Task StartSiloAsync(int index, bool seed = false)
    {
        var (siloPort, gatewayPort, httpPort) = _siloPorts[index];
        var settings = CommonSettings();
        settings["Orleans__SiloPort"] = siloPort.ToString();
        settings["Orleans__GatewayPort"] = gatewayPort.ToString();
        settings["Urls"] = $"http://127.0.0.1:{httpPort}";
        settings["Topology__Seed"] = seed ? "shanxi" : "none";
        Silos[index] = ServiceProcess.Start($"silo-{index}", "dotnet", [Binaries.Silo], settings, Path.Combine(Directory, $"silo-{index}.log"));
        await WaitReadyAsync(Silos[index]!, $"http://127.0.0.1:{httpPort}/health/ready", _output);
    }

    public async Task StartGatewayAsync()
    {
        var settings = GatewaySettings();
        settings["Urls"] = $"http://127.0.0.1:{_gatewayHttpPort}";
        Gateway = ServiceProcess.Start("gateway", "dotnet", [Binaries.Gateway], settings, Path.Combine(Directory, "gateway.log"));
        await WaitReadyAsync(Gateway, $"http://127.0.0.1:{_gatewayHttpPort}/health/ready", _output);
    }

    /// <summary>Another gateway on the same cluster (gateways are stateless clients; run as many as needed).</summary>
    public async Task<HttpClient> StartExtraGatewayAsync()
    {
        var port = Ports.Free();
        var settings = GatewaySettings();
        settings["Urls"] = $"http://127.0.0.1:{port}";
        var process = ServiceProcess.Start($"gateway-{_extraGateways.Count + 2}", "dotnet", [Binaries.Gateway], settings,
            Path.Combine(Directory, $"gateway-{_extraGateways.Count + 2}.log"));
        var http = AdminKey.Authorize(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) });
        _extraGateways.Add((process, http));
        await WaitReadyAsync(process, $"http://127.0.0.1:{port}/health/ready", _output);
        return http;
    }

    public void KillSilo(int index) => Silos[index]!.Kill();

    /// <summary>Silo <paramref name="index"/>'s own web endpoint (health and /metrics).</summary>
    public Uri SiloHttp(int index) => new($"http://127.0.0.1:{_siloPorts[index].Http}");

    public Task<int> StopSiloAsync(int index) => Silos[index]!.StopAsync(TimeSpan.FromSeconds(90));

    /// <summary>Posts a telemetry batch until the cluster accepts all <paramref name="items"/> of it (while silos fail over it may not).</summary>
    public Task PostUntilAcceptedAsync(string batch, int items, string what) => Eventually.Until(async () =>
    {
        try
        {
            using var response = await Http.PostAsync("/api/v1/telemetry", new StringContent(batch, System.Text.Encoding.UTF8, "application/json"));
            return response.IsSuccessStatusCode && (int?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["accepted"] == items;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }, accepted => accepted, TimeSpan.FromSeconds(90), what);

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        foreach (var (process, http) in _extraGateways)
        {
            http.Dispose();
            await process.DisposeAsync();
        }
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
        foreach (var silo in Silos)
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }
        await Redis.DisposeAsync();
    }

    private Dictionary<string, string> CommonSettings()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = Redis.ConnectionString,
            ["Orleans__ClusterId"] = _clusterId,
            ["Orleans__ServiceId"] = _clusterId,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            // Status must not change with the passing of time during a test: nothing goes offline.
            ["Rollup__OfflineAfterIntervals"] = "100000",
        };
        foreach (var (key, value) in _extraSettings)
        {
            settings[key] = value;
        }
        return settings;
    }

    private Dictionary<string, string> GatewaySettings()
    {
        var settings = CommonSettings();
        settings["Simulation__Enabled"] = "false";
        AdminKey.AddTo(settings);
        settings["RateLimit__RequestsPerSecond"] = "0"; // the tests drive their load with one key; limits have tests of their own
        return settings;
    }

    /// <summary>An embedded gateway (co-hosted silo, state in memory) as a process of its own on free ports, once ready.</summary>
    public static async Task<EmbeddedGateway> StartEmbeddedGatewayAsync(string directory, IReadOnlyDictionary<string, string> settings, ITestOutputHelper output)
    {
        var url = new Uri($"http://127.0.0.1:{Ports.Free()}");
        var all = new Dictionary<string, string>(settings)
        {
            ["Urls"] = url.ToString().TrimEnd('/'),
            ["Orleans__SiloPort"] = Ports.Free().ToString(),
            ["Orleans__GatewayPort"] = Ports.Free().ToString(),
        };
        all.TryAdd("Mqtt__Port", Ports.Free().ToString()); // its embedded broker, off the default port another run may hold
        var gateway = ServiceProcess.Start("gateway", "dotnet", [Binaries.Gateway], all, Path.Combine(directory, "gateway.log"));
        try
        {
            await WaitReadyAsync(gateway, new Uri(url, "/health/ready").ToString(), output);
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
        return new EmbeddedGateway(gateway, url);
    }

    /// <summary>Waits for the process's readiness endpoint and says how long it took.</summary>
    public static async Task WaitReadyAsync(ServiceProcess process, string url, ITestOutputHelper output)
    {
        var took = await Readiness.WaitAsync(process, url, StartDeadline);
        output.WriteLine($"{process.Name} ready in {took.TotalSeconds:F1} s (pid {process.Pid})");
    }
}

/// <summary>A gateway process of its own in embedded mode, and the address it serves; stopped when disposed.</summary>
public sealed record EmbeddedGateway(ServiceProcess Process, Uri Url) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
