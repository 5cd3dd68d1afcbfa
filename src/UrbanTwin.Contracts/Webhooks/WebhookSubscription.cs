namespace UrbanTwin.Contracts.Webhooks;

/// <summary>A subscription as its grain holds it (never its secrets).</summary>
/// <param name="StateReason">Why it is paused or disabled.</param>
[GenerateSerializer, Immutable, Alias("ut.WebhookSubscription")]
public sealed record WebhookSubscription(
    [property: Id(0)] WebhookDefinition Definition,
    [property: Id(1)] WebhookState State,
    [property: Id(2)] string? StateReason,
    [property: Id(3)] WebhookDelivery Delivery,
    [property: Id(4)] DateTimeOffset? SecretRotatedAt);
