namespace UrbanTwin.Contracts.Webhooks;

/// <summary>An event a subscription gave up delivering after its last retry, with the body it sent.</summary>
/// <param name="EventId">The event's id: the <c>webhook-id</c> it was sent with.</param>
[GenerateSerializer, Immutable, Alias("ut.DeadLetter")]
public sealed record DeadLetter(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] string? AssetId,
    [property: Id(3)] string NodeId,
    [property: Id(4)] DateTimeOffset EventTime,
    [property: Id(5)] int Attempts,
    [property: Id(6)] string LastError,
    [property: Id(7)] DateTimeOffset DeadLetteredAt,
    [property: Id(8)] string Body);
