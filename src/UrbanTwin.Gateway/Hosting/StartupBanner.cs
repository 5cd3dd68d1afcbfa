using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Mqtt;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Gateway.Webhooks;
using UrbanTwin.Gateway.Simulation;
using UrbanTwin.Grains.Hosting;
using UrbanTwin.Grains.Seeding;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Hosting;

/// <summary>
/// The one start-up message an operator needs, once the gateway serves: the mode, who may call the API, where the
/// dashboard, the API reference and the metrics are, and what was seeded. Every start-up notice is a line of it
/// (an open API above all), rather than a log line of its own lost among others.
/// </summary>
public sealed class StartupBanner(IServer server, RunMode mode, ApiKeyRing keys, SeedingState seeding, IOptions<SimulationOptions> feed,
    IOptions<WebhookTargetOptions> webhooks, MqttEndpoint mqtt, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<StartupBanner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        await seeding.WhenDone.WaitAsync(stoppingToken);
        var lines = Lines();
        if (keys.Mode == AuthMode.Open)
        {
            logger.LogWarning("{Banner}", string.Join(Environment.NewLine, lines));
        }
        else
        {
            logger.LogInformation("{Banner}", string.Join(Environment.NewLine, lines));
        }
    }

    private List<string> Lines()
    {
        var url = (server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:8080")
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).TrimEnd('/');
        var lines = new List<string>
        {
            mode.IsCluster
                ? $"UrbanTwin gateway ready: cluster mode (an Orleans client of the silos in Redis, cluster '{configuration["Orleans:ClusterId"] ?? ClusterSettings.DefaultId}')."
                : "UrbanTwin gateway ready: embedded mode (one process: a co-hosted silo, state in memory, lost at exit).",
            keys.Mode == AuthMode.Open
                ? $"  THE API IS OPEN: no API key is needed, every caller is an unscoped admin ({(keys.ExplicitlyOpen ? "Auth:Mode=open" : "the embedded default")}). "
                  + "Anyone who can reach this gateway can push telemetry, change topology and acknowledge alarms."
                : $"  API keys required: {keys.Keys.Count} configured ({string.Join(", ", keys.Keys.Select(k => k.Name))}).",
            $"  dashboard   {url}/",
            $"  API         {url}/docs (reference), {url}/openapi/v1.json (OpenAPI document)",
            $"  metrics     {url}/metrics, health {url}/health/ready",
            $"  data        {seeding.Status}" + (feed.Value.Enabled ? $"; built-in telemetry feed at {feed.Value.ReadingsPerSecond} readings/s (Simulation:Enabled=false turns it off)" : "; built-in feed off"),
        };
        lines.Add(mqtt.Kind switch
        {
            MqttBrokerKind.Embedded => $"  mqtt        broker on {mqtt.Host}:{mqtt.Port} ({(keys.Mode == AuthMode.Open ? "open: any client may publish" : "API keys: user name = key name, password = key")}); " +
                $"topics {mqtt.Topics.Telemetry}, {mqtt.Topics.AssetTelemetry}, refusals on {mqtt.Topics.Rejected}",
            MqttBrokerKind.External => $"  mqtt        subscribes to {mqtt.Host}:{mqtt.Port} as {mqtt.ClientId} (refusals on {mqtt.Topics.Rejected})",
            _ => "  mqtt        off (Mqtt:Server or, embedded, Mqtt:Port turns it on)",
        });
        lines.Add(ClusterSettings.HistoryConnectionString(configuration) is { } history
            ? $"  history     PostgreSQL at {HistoryTarget(history)}: readings and node minutes kept, queried beyond the recent window"
            : "  history     in memory only (each asset's latest readings, each node's last 24 h); ConnectionStrings__History keeps it in PostgreSQL");
        if (webhooks.Value.AllowPrivateTargets)
        {
            lines.Add("  webhooks    may target loopback and private addresses (Webhooks:AllowPrivateTargets=true): for local runs and tests only.");
        }
        return lines;
    }

    /// <summary>Host, port and database of a connection string, never its password.</summary>
    private static string HistoryTarget(string connectionString)
    {
        var parsed = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        return $"{parsed.Host}:{parsed.Port}/{parsed.Database}";
    }
}
