namespace UrbanTwin.Contracts.Webhooks;

/// <summary>A change to a subscription; null members stay as they are.</summary>
/// <param name="State">Active (resume, also after the twin disabled it) or paused.</param>
[GenerateSerializer, Immutable, Alias("ut.WebhookChange")]
public sealed record WebhookChange(
    [property: Id(0)] string? Url = null,
    [property: Id(1)] WebhookFilter? Filter = null,
    [property: Id(2)] string? Description = null,
    [property: Id(3)] WebhookState? State = null,
    [property: Id(4)] NgsiLdSubscription? NgsiLd = null);
