namespace UrbanTwin.Contracts.Webhooks;

/// <summary>What an integrator asked for: where to deliver, what, and who asked.</summary>
/// <param name="CreatedBy">The name of the API key that created it.</param>
/// <param name="NgsiLd">For a subscription made through NGSI-LD: what it watches and how it notifies (null: a webhook).</param>
[GenerateSerializer, Immutable, Alias("ut.WebhookDefinition")]
public sealed record WebhookDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Url,
    [property: Id(2)] WebhookFilter Filter,
    [property: Id(3)] string? Description,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string CreatedBy,
    [property: Id(6)] NgsiLdSubscription? NgsiLd = null);
