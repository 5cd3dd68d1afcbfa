using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace UrbanTwin.Grains.Scheduling;

/// <summary>
/// Keeps grains that work on their own timers (webhook subscriptions, history writers) active, so their work resumes
/// on another silo after theirs died: every <paramref name="interval"/> each silo sends each of them a one-way
/// <c>Wake</c>. (An Orleans reminder would do the same no more often than once a minute, which is how long the work
/// would then stop.) A failed round (the silo starting or stopping, the cluster failing over) is tried at the next tick.
/// </summary>
/// <param name="what">What is woken, for the log.</param>
/// <param name="wakeAtStart">Wake them as soon as the silo starts, not one interval later.</param>
public abstract partial class GrainKeeper(TimeSpan interval, TimeProvider clock, ILogger logger, string what, bool wakeAtStart) : BackgroundService
{
    /// <summary>One round: wakes every grain kept.</summary>
    protected abstract Task WakeAllAsync();

    protected TimeProvider Clock => clock;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        if (!wakeAtStart && !await timer.WaitForNextTickAsync(stoppingToken))
        {
            return;
        }
        do
        {
            try
            {
                await WakeAllAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWakeFailed(ex, what);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not wake the {What}; trying again at the next interval")]
    private partial void LogWakeFailed(Exception exception, string what);
}
