using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UrbanTwin.ServiceDefaults;

/// <summary>Whether the reference data is in place; readiness waits for it.</summary>
public sealed class SeedingState
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Status { get; set; } = "not started";
    public bool IsDone => _done.Task.IsCompletedSuccessfully;
    public Task WhenDone => _done.Task;

    public void Complete(string status)
    {
        Status = status;
        _done.TrySetResult();
    }
}

/// <summary>Readiness: unhealthy until the reference data is in place.</summary>
public sealed class SeedingHealthCheck(SeedingState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsDone ? HealthCheckResult.Healthy(state.Status) : HealthCheckResult.Unhealthy(state.Status));
}
