using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using UrbanTwin.Grains.Hosting;
using UrbanTwin.Simulator.Processes;

namespace UrbanTwin.Simulator.Bench;

/// <summary>
/// A silo inside the benchmark process, for what is measured without HTTP: the baseline grain-call rate, the
/// baseline Redis write rate (the Orleans Redis storage provider, same serializer as the product) and the memory of
/// activated assets. It is the product's silo configuration (UrbanTwin grains, in-memory state) plus the bench grains.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    public const string RedisStorage = "bench-redis";

    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<BenchSilo> StartAsync(string? redis)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rollup:OfflineAfterIntervals"] = "100000",
        }).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddConsole();
        builder.UseOrleans(silo =>
        {
            silo.UseUrbanTwinInMemory(Ports.Free(), Ports.Free()).AddUrbanTwinGrains(configuration);
            if (redis is not null)
            {
                silo.AddRedisGrainStorage(RedisStorage, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
