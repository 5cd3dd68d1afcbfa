using Microsoft.Extensions.Diagnostics.HealthChecks;
using UrbanTwin.History;

namespace UrbanTwin.Gateway.History;

/// <summary>
/// Readiness names where history lives. Without a store: memory only (healthy; it is the embedded default). With one:
/// whether PostgreSQL answers; when it does not, degraded, not unready: ingest goes on, rows wait in the reading log,
/// and the recent window still answers.
/// </summary>
public sealed class HistoryHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<HistoryStore>() is not { } store)
        {
            return HealthCheckResult.Healthy("in memory only: the recent window of each asset and node (ConnectionStrings:History is not set)");
        }
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(2));
            await store.ReadyAsync(deadline.Token);
            await using var command = store.Database.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(deadline.Token);
            return HealthCheckResult.Healthy("PostgreSQL history store answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded("the PostgreSQL history store does not answer (history rows wait in the reading log; recent history from memory): " + ex.Message);
        }
    }
}
