using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using UrbanTwin.Grains.Rollup;
using UrbanTwin.Grains.Seeding;

namespace UrbanTwin.Grains.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>The services UrbanTwin's grains need, whatever the storage and clustering around them.</summary>
    public static ISiloBuilder AddUrbanTwinGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddOptions<RollupOptions>().Bind(configuration.GetSection(RollupOptions.Section))
            .Validate(o => o.PublishInterval > TimeSpan.Zero && o.FlushInterval > TimeSpan.Zero && o.OfflineAfterIntervals > 0,
                "Rollup intervals must be positive");
        silo.Services.TryAddSingleton<ReferenceSeeder>();
        return silo;
    }
}
