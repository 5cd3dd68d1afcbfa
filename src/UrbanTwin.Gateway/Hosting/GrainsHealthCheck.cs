using Microsoft.Extensions.Diagnostics.HealthChecks;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Gateway.Hosting;

/// <summary>Readiness: the cluster answers a cheap grain call within a short deadline.</summary>
public sealed class GrainsHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await grains.ByKey<ITopologyGrain>(ITopologyGrain.Key).GetVersion().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"the cluster answers (topology version {version})");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("the cluster does not answer: " + ex.Message);
        }
    }
}
