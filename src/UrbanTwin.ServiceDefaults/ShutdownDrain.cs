using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace UrbanTwin.ServiceDefaults;

/// <summary>
/// <c>Shutdown</c> settings. <see cref="DrainDelay"/>: after SIGTERM the process reports not ready and keeps serving
/// for this long before it stops anything, so load balancers and Kubernetes endpoints take it out of rotation first.
/// <see cref="Timeout"/>: how long the host may take to stop after that (Orleans hands grains over and flushes state
/// in this time). A pod's <c>terminationGracePeriodSeconds</c> must exceed the two together.
/// </summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>Whether this process has been asked to stop.</summary>
public sealed class ShutdownState
{
    private volatile bool _stopping;

    public bool IsStopping => _stopping;

    public void MarkStopping() => _stopping = true;
}

/// <summary>
/// Runs before any hosted service stops (<see cref="IHostedLifecycleService.StoppingAsync"/>): readiness turns false,
/// then the drain delay passes while the web server and the silo still serve. Only then do Kestrel and Orleans stop.
/// </summary>
internal sealed class ShutdownDrain(ShutdownState state, IOptions<ShutdownOptions> options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.MarkStopping();
        var delay = options.Value.DrainDelay;
        logger.LogInformation("Stopping: not ready from now on; draining for {Delay} before shutting down", delay);
        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // the host's shutdown timeout ran out: stop now
            }
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Readiness: false as soon as the process has been asked to stop.</summary>
internal sealed class ShutdownHealthCheck(ShutdownState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsStopping
            ? HealthCheckResult.Unhealthy("stopping: draining before shutdown, take no new work here")
            : HealthCheckResult.Healthy("not stopping"));
}
