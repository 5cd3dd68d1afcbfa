namespace UrbanTwin.Contracts.Webhooks;

/// <summary>How a subscription's deliveries have gone.</summary>
/// <param name="Delivered">Events the receiver answered 2xx to.</param>
/// <param name="Pending">Events waiting for delivery: taken and not yet answered, plus not yet taken (the backlog).</param>
/// <param name="Failed">Delivery attempts that failed (each retry counts).</param>
/// <param name="DeadLettered">Events given up on after the last retry (kept in the dead letters, up to a bound).</param>
/// <param name="ConsecutiveFailures">Failed attempts since the last success.</param>
[GenerateSerializer, Immutable, Alias("ut.WebhookDelivery")]
public sealed record WebhookDelivery(
    [property: Id(0)] long Delivered,
    [property: Id(1)] long Pending,
    [property: Id(2)] long Failed,
    [property: Id(3)] long DeadLettered,
    [property: Id(4)] DateTimeOffset? LastSuccessAt,
    [property: Id(5)] DateTimeOffset? LastFailureAt,
    [property: Id(6)] string? LastError,
    [property: Id(7)] int ConsecutiveFailures,
    [property: Id(8)] DateTimeOffset? OldestPendingAt);
