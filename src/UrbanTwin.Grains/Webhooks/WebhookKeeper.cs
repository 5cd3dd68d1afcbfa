using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Webhooks;

namespace UrbanTwin.Grains.Webhooks;

/// <summary>
/// Keeps every subscription active, so its deliveries resume on another silo after its silo died: every
/// <see cref="WebhookOptions.KeepAliveInterval"/> each silo sends every subscription a one-way <c>Wake</c>. (An Orleans
/// reminder would do the same no more often than once a minute, which is how long deliveries would then stop.)
/// </summary>
public sealed partial class WebhookKeeper(IGrainFactory grains, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookKeeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeepAliveInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var id in await grains.ByKey<IWebhookRegistryGrain>(WebhookRegistry.Key).List())
                {
                    await grains.ByKey<IWebhookGrain>(id).Wake();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWakeFailed(ex); // the silo is starting or stopping, or the cluster is failing over: next tick
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not wake the webhook subscriptions; trying again at the next interval")]
    private partial void LogWakeFailed(Exception exception);
}
