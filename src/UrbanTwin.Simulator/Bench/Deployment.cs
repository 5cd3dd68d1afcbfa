using UrbanTwin.Simulator.Processes;

namespace UrbanTwin.Simulator.Bench;

/// <summary>
/// The product as the benchmark's HTTP client sees it, in processes of their own: an embedded gateway (co-hosted
/// silo, state in memory), or a Redis-backed cluster of silos and one gateway. Built in the benchmark's own
/// configuration (run it with <c>-c Release</c>). Logs go to the run's directory.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(180);
    private readonly List<ServiceProcess> _processes = [];

    private Deployment(Uri gateway) => Gateway = gateway;

    public Uri Gateway { get; }

    /// <summary>The cluster's service id (its keys in Redis start with it); null for the embedded gateway.</summary>
    public string? ServiceId { get; private init; }

    /// <summary>A second gateway of the same cluster, when asked for (other settings, e.g. another MQTT acknowledgement).</summary>
    public Uri? SecondGateway { get; private set; }

    /// <summary>The embedded gateway's MQTT broker port.</summary>
    public int? MqttPort { get; private init; }
    public IReadOnlyList<ServiceProcess> Processes => _processes;

    /// <summary>The silos' own HTTP addresses (health, <c>/metrics</c>) in a cluster; empty for the embedded gateway.</summary>
    public List<Uri> Silos { get; } = [];

    public static async Task<Deployment> EmbeddedAsync(string directory)
    {
        var port = Ports.Free();
        var deployment = new Deployment(new Uri($"http://127.0.0.1:{port}")) { MqttPort = Ports.Free() };
        var settings = Common();
        settings["Urls"] = deployment.Gateway.ToString();
        settings["Mqtt__Port"] = deployment.MqttPort.Value.ToString();
        settings["Orleans__SiloPort"] = Ports.Free().ToString();
        settings["Orleans__GatewayPort"] = Ports.Free().ToString();
        await deployment.StartAsync("gateway", Binaries.Gateway, settings, directory);
        return deployment;
    }

    /// <param name="gatewaySettings">More settings for the gateway (its MQTT broker).</param>
    /// <param name="secondGatewaySettings">When given, a second gateway with these settings as well (<see cref="SecondGateway"/>).</param>
    /// <param name="settings">More settings for every process, silos and gateways (a history store).</param>
    public static async Task<Deployment> ClusterAsync(string directory, string redis, int silos, IReadOnlyDictionary<string, string>? gatewaySettings = null,
        IReadOnlyDictionary<string, string>? secondGatewaySettings = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = Ports.Free();
        var clusterId = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var deployment = new Deployment(new Uri($"http://127.0.0.1:{port}")) { ServiceId = clusterId };
        Dictionary<string, string> Shared()
        {
            var common = Common();
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                common[key] = value;
            }
            return common;
        }
        try
        {
            await Task.WhenAll(Enumerable.Range(0, silos).Select(i =>
            {
                var silo = Shared();
                silo["ConnectionStrings__Redis"] = redis;
                silo["Orleans__ClusterId"] = silo["Orleans__ServiceId"] = clusterId;
                silo["Orleans__SiloPort"] = Ports.Free().ToString();
                silo["Orleans__GatewayPort"] = Ports.Free().ToString();
                silo["Urls"] = $"http://127.0.0.1:{Ports.Free()}";
                lock (deployment.Silos)
                {
                    deployment.Silos.Add(new Uri(silo["Urls"]));
                }
                silo["Topology__Seed"] = i == 0 ? "shanxi" : "none";
                return deployment.StartAsync($"silo-{i}", Binaries.Silo, silo, directory);
            }));
            Dictionary<string, string> Gateway(Uri url, IReadOnlyDictionary<string, string>? more)
            {
                var gateway = Shared();
                gateway["ConnectionStrings__Redis"] = redis;
                gateway["Orleans__ClusterId"] = gateway["Orleans__ServiceId"] = clusterId;
                gateway["Urls"] = url.ToString();
                // Told explicitly: the benchmark's clients send no key. Checking one is a SHA-256 and a lookup per request.
                gateway["Auth__Mode"] = "open";
                foreach (var (key, value) in more ?? new Dictionary<string, string>())
                {
                    gateway[key] = value;
                }
                return gateway;
            }
            await deployment.StartAsync("gateway", Binaries.Gateway, Gateway(deployment.Gateway, gatewaySettings), directory);
            if (secondGatewaySettings is not null)
            {
                deployment.SecondGateway = new Uri($"http://127.0.0.1:{Ports.Free()}");
                await deployment.StartAsync("gateway-2", Binaries.Gateway, Gateway(deployment.SecondGateway, secondGatewaySettings), directory);
            }
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
        return deployment;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            try
            {
                await process.StopAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                // killed; the figures are already taken
            }
            await process.DisposeAsync();
        }
    }

    private async Task StartAsync(string name, string dll, Dictionary<string, string> settings, string directory)
    {
        var process = ServiceProcess.Start(name, "dotnet", [dll], settings, Path.Combine(directory, name + ".log"));
        lock (_processes)
        {
            _processes.Add(process);
        }
        await Readiness.WaitAsync(process, settings["Urls"].TrimEnd('/') + "/health/ready", StartDeadline);
    }

    private static Dictionary<string, string> Common() => new()
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Simulation__Enabled"] = "false",
        ["Topology__Seed"] = "shanxi",
        // Nothing goes offline while the benchmark's writers leave some assets alone for a while.
        ["Rollup__OfflineAfterIntervals"] = "100000",
        // The webhook phase's receivers are in the benchmark's own process, on loopback.
        ["Webhooks__AllowPrivateTargets"] = "true",
    };
}
