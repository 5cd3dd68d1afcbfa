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
using UrbanTwin.Grains.Rollup;
using UrbanTwin.Grains.Scheduling;
using UrbanTwin.Grains.Seeding;
using UrbanTwin.Grains.Storage;

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
        // Grain state in Orleans' own version-tolerant binary format: every state type is [GenerateSerializer].
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        silo.Services.TryAddSingleton<ReferenceSeeder>();
        silo.Services.TryAddSingleton<GrainWakeups>();
        silo.Services.TryAddSingleton<AssetServices>();
        // Trace context flows with grain calls, so a request's trace continues through the grains it calls. Only when
        // traces are exported: the propagation filters cost every grain call an invoker and two more async state
        // machines even when nobody listens (about a fifth of the gateway's allocation per update, profiled).
        if (Tracing.Exported(configuration))
        {
            silo.AddActivityPropagation();
        }
        return silo;
    }

    /// <summary>Embedded mode: one process, localhost clustering, state in this process's memory (<see cref="InProcessGrainStorage"/>).</summary>
    public static ISiloBuilder UseUrbanTwinInMemory(this ISiloBuilder silo, int siloPort, int gatewayPort)
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort);
        foreach (var name in new[] { StorageNames.Default, StorageNames.Live })
        {
            silo.Services.AddGrainStorage(name, (services, _) => ActivatorUtilities.CreateInstance<InProcessGrainStorage>(services));
        }
        silo.UseInMemoryReminderService();
        return silo;
    }

    /// <summary>
    /// Cluster mode: membership, grain storage and reminders in Redis; the strongly consistent distributed grain directory. Topology and roll-ups use the Orleans Redis
    /// provider; assets use <see cref="RedisGroupCommitStorage"/> (same layout, batched writes). Endpoints come from
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
        silo.AddRedisGrainStorage(StorageNames.Default, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        silo.UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        // One activation per grain, even while silos join, leave or crash. The classic in-cluster directory can
        // briefly allow two during a membership change (seen in the graceful-stop test), and the loser's
        // acknowledged-but-unflushed updates would be lost to an ETag conflict. The distributed directory (Orleans
        // 9+, still marked experimental) hands partitions over under a range lock, so there is never a second one.
        // (Microsoft.Orleans.GrainDirectory.Redis would also do, but the package registry here does not hold it.)
#pragma warning disable ORLEANSEXP003
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        silo.Services.AddGrainStorage(StorageNames.Live, (services, name) => new RedisGroupCommitStorage(
            name, redis, services.GetRequiredService<IOptions<StorageOptions>>().Value,
            services.GetRequiredService<IGrainStorageSerializer>(), services.GetRequiredService<IOptions<ClusterOptions>>().Value,
            services.GetRequiredService<IActivatorProvider>(), services.GetRequiredService<ILogger<RedisGroupCommitStorage>>()));
        return silo;
    }
}
