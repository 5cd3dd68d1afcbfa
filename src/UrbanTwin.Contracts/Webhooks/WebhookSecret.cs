namespace UrbanTwin.Contracts.Webhooks;

/// <summary>A new signing secret, and until when the previous one keeps signing too.</summary>
[GenerateSerializer, Immutable, Alias("ut.WebhookSecret")]
public sealed record WebhookSecret([property: Id(0)] string Secret, [property: Id(1)] DateTimeOffset PreviousSecretValidUntil);
