using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UrbanTwin.Grains.Hosting;

/// <summary>Readiness of a silo: it is an active member of the cluster (not joining, not shutting down or dead).</summary>
public sealed class SiloStatusHealthCheck(ISiloStatusOracle oracle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = oracle.CurrentStatus;
        var data = new Dictionary<string, object> { ["silo"] = oracle.SiloAddress.ToString(), ["status"] = status.ToString() };
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("an active member of the cluster", data)
            : HealthCheckResult.Unhealthy($"the silo is {status}, not an active member of the cluster", data: data));
    }
}
