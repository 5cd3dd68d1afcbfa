using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UrbanTwin.Gateway.Mqtt;

/// <summary>
/// The broker connection in <c>/health/ready</c>: degraded, not unhealthy, while it is down, so a broker outage shows
/// without taking the gateway's HTTP API out of its Service (the ingest reconnects by itself).
/// </summary>
public sealed class MqttHealthCheck(MqttEndpoint endpoint, MqttIngest ingest) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(endpoint.Kind == MqttBrokerKind.None ? HealthCheckResult.Healthy("MQTT is off")
            : ingest.IsConnected ? HealthCheckResult.Healthy($"connected to {endpoint.Host}:{endpoint.Port} as {endpoint.ClientId}")
            : HealthCheckResult.Degraded($"not connected to the MQTT broker at {endpoint.Host}:{endpoint.Port}; reconnecting"));
}
