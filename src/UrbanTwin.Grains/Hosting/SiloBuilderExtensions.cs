using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using StackExchange.Redis;
using UrbanTwin.Grains.Assets;
using UrbanTwin.Grains.History;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Rollup;
using UrbanTwin.Grains.Scheduling;
using UrbanTwin.Grains.Seeding;
using UrbanTwin.Grains.Storage;
using UrbanTwin.EventLog;
using UrbanTwin.EventLog.Readings;
using UrbanTwin.History;
using UrbanTwin.ServiceDefaults;
using UrbanTwin.Grains.Webhooks;

namespace UrbanTwin.Grains.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>The services UrbanTwin's grains need, whatever the storage and clustering around them.</summary>
    public static ISiloBuilder AddUrbanTwinGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSettings<RollupOptions, RollupRules>(configuration.GetSection(RollupOptions.Section));
        silo.Services.AddSettings<StorageOptions, StorageRules>(configuration.GetSection(StorageOptions.Section));
        silo.Services.AddSettings<HistoryOptions, HistoryRules>(configuration.GetSection(HistoryOptions.Section));
        silo.Services.AddSettings<EventLogOptions, EventLogRules>(configuration.GetSection(EventLogOptions.Section));
        // Grain state in Orleans' own version-tolerant binary format: every state type is [GenerateSerializer].
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        silo.Services.TryAddSingleton<ReferenceSeeder>();
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<SiloMetrics>();
        silo.Services.TryAddSingleton<DueWorkSweeper>();
        silo.Services.TryAddSingleton<AssetServices>();
        silo.Services.AddSettings<WebhookOptions, WebhookRules>(configuration.GetSection(WebhookOptions.Section));
        silo.Services.TryAddSingleton<WebhookSender>();
        silo.Services.TryAddSingleton<NgsiLdWatch>();
        silo.Services.AddHostedService<WebhookKeeper>();
        AddHistoryStore(silo.Services, configuration);
        // Trace context flows with grain calls, so a request's trace continues through the grains it calls. Only when
        // traces are exported: the propagation filters cost every grain call an invoker and two more async state
        // machines even when nobody listens (about a fifth of the gateway's allocation per update, profiled).
        if (Tracing.Exported(configuration))
        {
            silo.AddActivityPropagation();
        }
        return silo;
    }

    /// <summary>
    /// With <c>ConnectionStrings:History</c>: grains log their history rows with their writes, and the history writers
    /// move them into PostgreSQL. The reading log is Redis' in cluster mode (<see cref="UseUrbanTwinRedis"/>), this
    /// process's in embedded mode. Without it, history stays in the grains' memory.
    /// </summary>
    private static void AddHistoryStore(IServiceCollection services, IConfiguration configuration)
    {
        if (ClusterSettings.HistoryConnectionString(configuration) is not { } connectionString)
        {
            return;
        }
        services.TryAddSingleton(_ => new HistoryStore(connectionString));
        services.TryAddSingleton(provider => new InProcessReadingLog(
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<IOptions<HistoryOptions>>().Value.MaxBacklog));
        services.TryAddSingleton<IReadingLog>(provider => provider.GetRequiredService<InProcessReadingLog>()); // unless the Redis one is registered
        services.AddHostedService<HistoryKeeper>();
    }

    /// <summary>
    /// Embedded mode: one process, localhost clustering, state and event log in this process's memory
    /// (<see cref="InProcessGrainStorage"/>, <see cref="InProcessLiveStore"/>, <see cref="InProcessEventLog"/>).
    /// </summary>
    public static ISiloBuilder UseUrbanTwinInMemory(this ISiloBuilder silo, int siloPort, int gatewayPort)
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort);
        silo.Services.AddGrainStorage(StorageNames.Default, (services, _) => ActivatorUtilities.CreateInstance<InProcessGrainStorage>(services));
        silo.Services.TryAddSingleton(services => new InProcessEventLog(
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IOptions<EventLogOptions>>().Value.InProcessCapacity));
        silo.Services.TryAddSingleton<IEventLog>(services => services.GetRequiredService<InProcessEventLog>());
        silo.Services.TryAddSingleton<LiveStore>(services => ActivatorUtilities.CreateInstance<InProcessLiveStore>(services));
        silo.UseInMemoryReminderService();
        return silo;
    }

    /// <summary>
    /// Cluster mode: membership, grain storage and reminders in Redis; the strongly consistent distributed grain directory. Topology and roll-ups use the Orleans Redis
    /// provider; assets use <see cref="RedisLiveStore"/> (same layout, batched writes, with the event log). Endpoints come from
    /// <c>Orleans:SiloPort</c>, <c>Orleans:GatewayPort</c> and <c>Orleans:AdvertisedIP</c> (or <c>POD_IP</c>); failure detection can
    /// be tuned under <c>Orleans:Membership</c> (ClusterMembershipOptions).
    /// </summary>
    public static ISiloBuilder UseUrbanTwinRedis(this ISiloBuilder silo, IConfiguration configuration, string redis)
    {
        silo.Configure<ClusterOptions>(o => ClusterSettings.Apply(o, configuration));
        // Failure detection and the directory's fencing after a crash: docs/operations.md, "Failover", says what
        // each setting does and what making it shorter risks. The defaults are in the silo's appsettings.json.
        silo.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));
        silo.Configure<GrainDirectoryOptions>(configuration.GetSection("Orleans:Directory"));
        silo.ConfigureEndpoints(ClusterSettings.AdvertisedAddress(configuration), configuration.GetValue("Orleans:SiloPort", 11111), configuration.GetValue("Orleans:GatewayPort", 30000),
            listenOnAnyHostAddress: true);

        silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        // Fail at once while Redis is away instead of queueing for the timeout: a node's write-behind runs on its
        // timer turn, and a write waiting seconds for a Redis that is gone would hold the node's reads behind it.
        silo.AddRedisGrainStorage(StorageNames.Default, o => o.ConfigurationOptions = RedisLiveStore.FailFastConfiguration(redis));
        silo.UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        // One activation per grain, even while silos join, leave or crash. The classic in-cluster directory can
        // briefly allow two during a membership change (seen in the graceful-stop test), and the loser's
        // acknowledged-but-unflushed updates would be lost to an ETag conflict. The distributed directory (Orleans
        // 9+, still marked experimental) hands partitions over under a range lock, so there is never a second one.
        // (Microsoft.Orleans.GrainDirectory.Redis would also do, but the package registry here does not hold it.)
#pragma warning disable ORLEANSEXP003
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        silo.Services.AddSingleton(services => new RedisLiveStore(
            redis, services.GetRequiredService<IOptions<StorageOptions>>().Value, services.GetRequiredService<IOptions<EventLogOptions>>().Value,
            services.GetRequiredService<IOptions<HistoryOptions>>().Value.MaxBacklog,
            services.GetRequiredService<IGrainStorageSerializer>(), services.GetRequiredService<IActivatorProvider>(),
            services.GetRequiredService<IOptions<ClusterOptions>>().Value, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<SiloMetrics>(), services.GetRequiredService<ILogger<RedisLiveStore>>()));
        silo.Services.AddSingleton<LiveStore>(services => services.GetRequiredService<RedisLiveStore>());
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<RedisLiveStore>());
        silo.Services.AddSingleton<IEventLog>(services =>
        {
            var store = services.GetRequiredService<RedisLiveStore>();
            return new RedisEventLog(() => store.Database, store.ServiceId);
        });
        silo.Services.AddHostedService<EventLogTrimmer>();
        silo.Services.AddSingleton<IReadingLog>(services =>
        {
            var store = services.GetRequiredService<RedisLiveStore>();
            return new RedisReadingLog(() => store.Database, store.ServiceId);
        });
        return silo;
    }
}
