using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.History;
using UrbanTwin.EventLog.Readings;

namespace UrbanTwin.Grains.History;

/// <summary>
/// Keeps the history writers active, so a partition whose writer's silo died resumes on another: every
/// <see cref="HistoryOptions.KeepAliveInterval"/> each silo sends every writer a one-way <c>Wake</c> (as
/// <see cref="Webhooks.WebhookKeeper"/> does for subscriptions; a reminder would tick once a minute at best).
/// </summary>
public sealed partial class HistoryKeeper(IGrainFactory grains, IOptions<HistoryOptions> options, TimeProvider clock, ILogger<HistoryKeeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeepAliveInterval, clock);
        do
        {
            try
            {
                for (var partition = 0; partition < ReadingStreams.Partitions; partition++)
                {
                    await grains.GetGrain<IHistoryWriterGrain>(partition).Wake();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWakeFailed(ex); // the silo is starting or stopping, or the cluster is failing over: next tick
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not wake the history writers; trying again at the next interval")]
    private partial void LogWakeFailed(Exception exception);
}
