using Orleans.Concurrency;

namespace UrbanTwin.Contracts.Webhooks;

/// <summary>
/// One webhook subscription, keyed by its id: its definition, signing secrets and delivery status, and the delivery of
/// its events from the durable event log (its own consumer group there). Kept active while it exists.
/// </summary>
[Alias("ut.IWebhookGrain")]
public interface IWebhookGrain : IGrainWithStringKey
{
    /// <summary>Creates the subscription and returns its signing secret (the only time it is shown); null if the id is taken.</summary>
    [Alias("Create")]
    Task<string?> Create(WebhookDefinition definition);

    /// <summary>The subscription, or null when there is none. A pure read: it answers while a delivery is in flight.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<WebhookSubscription?> Get();

    /// <summary>Applies a change (filter, URL, description, pause or resume); null when there is no such subscription.</summary>
    [Alias("Change")]
    Task<WebhookSubscription?> Change(WebhookChange change);

    /// <summary>
    /// Stops the deliveries in flight (they are sent again: at least once), so that the management call sent next waits
    /// for no receiver. Interleaves with a delivery turn; the gateway calls it before every change.
    /// </summary>
    [Alias("Interrupt"), AlwaysInterleave]
    Task Interrupt();

    /// <summary>Removes the subscription and its place in the event log; false when there was none.</summary>
    [Alias("Delete")]
    Task<bool> Delete();

    /// <summary>A new signing secret; the previous one keeps signing too until the grace period ends. Null when there is no subscription.</summary>
    [Alias("RotateSecret")]
    Task<WebhookSecret?> RotateSecret();

    /// <summary>The dead letters, oldest first; null when there is no subscription. A pure read.</summary>
    [Alias("GetDeadLetters"), AlwaysInterleave]
    Task<DeadLetter[]?> GetDeadLetters();

    /// <summary>Moves every dead letter back to the delivery queue (sent before new events); how many, or null when there is no subscription.</summary>
    [Alias("ReplayDeadLetters")]
    Task<int?> ReplayDeadLetters();

    /// <summary>Activates the subscription if it is not (after its silo died), so its deliveries go on.</summary>
    [Alias("Wake"), OneWay]
    Task Wake();
}
