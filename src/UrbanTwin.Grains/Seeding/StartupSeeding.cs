using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UrbanTwin.Domain.Topology;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Grains.Seeding;

/// <summary>
/// Seeds the reference topology and its generated assets when <c>Topology:Seed</c> is <c>shanxi</c> (idempotent),
/// after the silo has started. <c>none</c> starts empty.
/// </summary>
public sealed class StartupSeeding(ReferenceSeeder seeder, SeedingState state, IConfiguration configuration,
    IHostApplicationLifetime lifetime, ILogger<StartupSeeding> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seed = configuration["Topology:Seed"] ?? ReferenceTopology.Shanxi;
        if (seed == "none")
        {
            state.Complete("no seed requested (Topology:Seed=none)");
            return;
        }
        if (seed != ReferenceTopology.Shanxi)
        {
            throw new InvalidOperationException($"Topology:Seed must be '{ReferenceTopology.Shanxi}' or 'none', not '{seed}'.");
        }

        // The co-hosted silo accepts calls once the host has started.
        await WaitForStartAsync(lifetime, stoppingToken);
        state.Status = "seeding the reference topology";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await seeder.SeedAsync(stoppingToken);
                state.Complete($"seeded {result.Nodes} nodes and {result.Assets} assets");
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && attempt < 10)
            {
                logger.LogWarning(ex, "Seeding failed (attempt {Attempt}); retrying", attempt);
                state.Status = $"seeding failed {attempt} time(s): {ex.Message}";
                await Task.Delay(TimeSpan.FromSeconds(attempt), stoppingToken);
            }
        }
    }

    private static Task WaitForStartAsync(IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        cancellationToken.Register(() => started.TrySetCanceled(cancellationToken));
        return started.Task;
    }
}
