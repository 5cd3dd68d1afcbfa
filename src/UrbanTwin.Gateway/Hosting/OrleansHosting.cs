using Orleans.Configuration;
using Orleans.Dashboard;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using UrbanTwin.EventLog;
using UrbanTwin.Grains.Hosting;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Grains.Seeding;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Hosting;

public static class OrleansHosting
{
    /// <summary>
    /// Cluster mode when <c>ConnectionStrings:Redis</c> is set: the gateway is an Orleans client of the silos found in
    /// Redis (the silos seed the reference data). Otherwise embedded mode: a silo co-hosted in this process with
    /// state in memory, seeded here. The mode is registered as a <see cref="RunMode"/>.
    /// </summary>
    public static WebApplicationBuilder AddOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var seeding = new SeedingState();
        builder.Services.AddSingleton(seeding);
        var redisConnection = ClusterSettings.RedisConnectionString(configuration);
        builder.Services.AddSingleton(new RunMode(IsCluster: redisConnection is not null));
        if (redisConnection is { } redis)
        {
            builder.UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o => ClusterSettings.Apply(o, configuration));
                client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
                if (Tracing.Exported(configuration))
                {
                    client.AddActivityPropagation(); // as the silos do (AddUrbanTwinGrains)
                }
                if (OrleansDashboardSettings.Enabled(configuration))
                {
                    client.AddDashboard();
                }
                // A request in flight to a silo that crashes gets no answer; the default 30 s wait would hold an
                // operator's read that long. Grain calls here are small: fail (503) sooner and let the client retry.
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = configuration.GetValue("Orleans:ResponseTimeout", TimeSpan.FromSeconds(10)));
                // The client drops a gateway whose connection fails at once; the list refresh (default every minute) is how
                // it learns of a silo that joined or was declared dead without a connection of this client noticing.
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = configuration.GetValue("Orleans:GatewayListRefreshPeriod", TimeSpan.FromSeconds(5)));
                // Silos may start after the gateway (or all be restarting): keep trying; readiness says so meanwhile.
                client.UseConnectionRetryFilter(async (_, ct) =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    return !ct.IsCancellationRequested;
                });
            });
            builder.Services.AddSingleton<IEventLog>(services => ClusterEventLog(redis, services));
            if (ClusterSettings.HistoryConnectionString(configuration) is { } history)
            {
                builder.Services.AddSingleton(new UrbanTwin.History.HistoryStore(history)); // for reads; the silos write
            }
            seeding.Complete("cluster mode: the silos seed the reference data");
            return builder;
        }

        // One machine's own run: a receiver on this machine is the usual first webhook target. Said in the banner.
        configuration["Webhooks:AllowPrivateTargets"] ??= "true";
        var siloPort = configuration.GetValue("Orleans:SiloPort", 11111);
        var gatewayPort = configuration.GetValue("Orleans:GatewayPort", 30000);
        builder.UseOrleans(silo => silo.UseUrbanTwinInMemory(siloPort, gatewayPort).AddUrbanTwinGrains(configuration)
            .AddOrleansDashboardIfEnabled(configuration));
        builder.Services.AddHostedService<StartupSeeding>();
        return builder; // the co-hosted silo registers the in-process IEventLog
    }

    /// <summary>
    /// The silos' event streams, read through this gateway's own connection (opened on first use, retried by the
    /// multiplexer while Redis is away: a catch-up then fails and the stream goes on with live pushes).
    /// </summary>
    private static RedisEventLog ClusterEventLog(string redis, IServiceProvider services)
    {
        var configuration = ConfigurationOptions.Parse(redis);
        configuration.AbortOnConnectFail = false;
        var connection = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(configuration));
        var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        return new RedisEventLog(() => connection.Value.GetDatabase(), serviceId);
    }

    /// <summary>
    /// The Orleans dashboard at <c>/orleans</c> when <c>OrleansDashboard:Enabled</c>. For operators: it has no
    /// authentication of its own, so it takes the API's, admin keys only (in a browser, sign in on the UrbanTwin
    /// dashboard first; the session cookie carries the key). See docs/security.md.
    /// </summary>
    public static void MapOrleansDashboardIfEnabled(this WebApplication app)
    {
        if (OrleansDashboardSettings.Enabled(app.Configuration))
        {
            app.MapOrleansDashboard(OrleansDashboardSettings.Path).Requires(Permission.Administer);
        }
    }
}
