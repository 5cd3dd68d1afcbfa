using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Grains.Scheduling;

namespace UrbanTwin.Grains.Webhooks;

/// <summary>
/// Keeps every subscription active, so its deliveries resume on another silo after its silo died: every
/// <see cref="WebhookOptions.KeepAliveInterval"/> each silo wakes every subscription (<see cref="GrainKeeper"/>).
/// </summary>
public sealed class WebhookKeeper(IGrainFactory grains, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookKeeper> logger)
    : GrainKeeper(options.Value.KeepAliveInterval, clock, logger, "webhook subscriptions", wakeAtStart: false)
{
    protected override async Task WakeAllAsync()
    {
        foreach (var id in await grains.ByKey<IWebhookRegistryGrain>(WebhookRegistry.Key).List())
        {
            await grains.ByKey<IWebhookGrain>(id).Wake();
        }
    }
}
