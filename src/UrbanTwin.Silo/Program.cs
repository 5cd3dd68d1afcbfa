using Orleans.Hosting;
using UrbanTwin.Grains.Hosting;
using UrbanTwin.Grains.Seeding;
using UrbanTwin.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

if (ClusterSettings.RedisConnectionString(builder.Configuration) is not { } redis)
{
    Console.Error.WriteLine("UrbanTwin.Silo needs ConnectionStrings__Redis (a StackExchange.Redis connection string, e.g. 127.0.0.1:6379). " +
        "For a single process without Redis, run src/UrbanTwin.Gateway: it co-hosts a silo in memory.");
    return 2;
}

builder.AddServiceDefaults();
builder.UseOrleans(silo =>
{
    silo.UseUrbanTwinRedis(builder.Configuration, redis).AddUrbanTwinGrains(builder.Configuration);
    silo.AddOrleansDashboardIfEnabled(builder.Configuration);
    if (ClusterSettings.InKubernetes(builder.Configuration))
    {
        // Silo name = pod name; a silo whose pod is gone is declared dead at once instead of after missed probes.
        silo.UseKubernetesHosting();
    }
});
builder.Services.AddSingleton<SeedingState>();
builder.Services.AddHostedService<StartupSeeding>();
builder.Services.AddHealthChecks()
    .AddCheck<SiloStatusHealthCheck>("membership", tags: [ServiceDefaultsExtensions.ReadyTag])
    .AddCheck<SeedingHealthCheck>("seeding", tags: [ServiceDefaultsExtensions.ReadyTag]);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
return 0;
