using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Grains.Scheduling;

namespace UrbanTwin.Grains.Webhooks;

/// <summary>
/// Keeps every subscription active, so its deliveries resume on another silo after its silo died: every
/// <see cref="WebhookOptions.KeepAliveInterval"/> each silo wakes every subscription (<see cref="GrainKeeper"/>), and
/// learns what the NGSI-LD ones watch (<see cref="NgsiLdWatch"/>).
/// </summary>
public sealed class WebhookKeeper(IGrainFactory grains, NgsiLdWatch watch, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookKeeper> logger)
    : GrainKeeper(options.Value.KeepAliveInterval, clock, logger, "webhook subscriptions", wakeAtStart: false)
{
    protected override async Task WakeAllAsync()
    {
        var watched = new List<NgsiLdSubscription>();
        var now = Clock.GetUtcNow();
        foreach (var id in await grains.ByKey<IWebhookRegistryGrain>(WebhookRegistry.Key).List())
        {
            var subscription = grains.ByKey<IWebhookGrain>(id);
            await subscription.Wake();
            // While at it, what the NGSI-LD subscriptions watch, so that this silo's assets log the changes they wait for.
            if (await subscription.Get() is { State: WebhookState.Active, Definition.NgsiLd: { } ngsi } && (ngsi.ExpiresAt is not { } end || end > now))
            {
                watched.Add(ngsi);
            }
        }
        watch.Set(watched);
    }
}
