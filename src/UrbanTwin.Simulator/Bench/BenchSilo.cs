using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StackExchange.Redis;
using UrbanTwin.Grains.Hosting;
using UrbanTwin.Simulator.Processes;

namespace UrbanTwin.Simulator.Bench;

/// <summary>
/// A silo inside the benchmark process, for what is measured without HTTP: the baseline grain-call rate, the
/// baseline Redis write rate (the Orleans Redis storage provider, same serializer as the product) and the memory of
/// activated assets. It is the product's cluster-mode silo (UrbanTwin grains, Redis membership and state, so its
/// heap holds what a production silo's does and no copy of the state) plus the bench grains.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    public const string RedisStorage = "bench-redis";

    private IHost _host = null!;
    private volatile bool _stopping;

    private BenchSilo()
    {
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host.Services;

    public static async Task<BenchSilo> StartAsync(string redis)
    {
        var clusterId = "bench-silo-" + Guid.NewGuid().ToString("N")[..8];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rollup:OfflineAfterIntervals"] = "100000",
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:ServiceId"] = clusterId,
            ["Orleans:SiloPort"] = Ports.Free().ToString(),
            ["Orleans:GatewayPort"] = Ports.Free().ToString(),
        }).Build();
        var silo = new BenchSilo();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Warnings while measuring; nothing once stopping (in-flight roll-up pushes to grains already gone).
        builder.Logging.AddConsole().AddFilter((_, level) => level >= LogLevel.Warning && !silo._stopping);
        builder.UseOrleans(orleans =>
        {
            orleans.UseUrbanTwinRedis(configuration, redis).AddUrbanTwinGrains(configuration);
            orleans.AddRedisGrainStorage(RedisStorage, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            // The memory phase measures N active assets: none may be collected as idle while the others register
            // (a million registrations take longer than the default collection age).
            orleans.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(6));
        });
        silo._host = builder.Build();
        await silo._host.StartAsync();
        return silo;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await _host.StopAsync();
        _host.Dispose();
    }
}
