using UrbanTwin.Contracts.Webhooks;

namespace UrbanTwin.Grains.Webhooks;

/// <summary>A subscription as stored. Where it is in the event log is not here: its consumer group in the log keeps that.</summary>
[GenerateSerializer, Alias("ut.WebhookGrainState")]
public sealed class WebhookGrainState
{
    [Id(0)] public WebhookDefinition? Definition { get; set; }
    /// <summary>Newest first; a rotated-out secret signs until its <see cref="SigningSecret.ValidUntil"/>.</summary>
    [Id(1)] public List<SigningSecret> Secrets { get; set; } = [];
    [Id(2)] public WebhookState State { get; set; }
    [Id(3)] public string? StateReason { get; set; }
    [Id(4)] public long Delivered { get; set; }
    [Id(5)] public long Failed { get; set; }
    [Id(6)] public long DeadLettered { get; set; }
    [Id(7)] public DateTimeOffset? LastSuccessAt { get; set; }
    [Id(8)] public DateTimeOffset? LastFailureAt { get; set; }
    [Id(9)] public string? LastError { get; set; }
    [Id(10)] public int ConsecutiveFailures { get; set; }
    /// <summary>When the current run of failures began.</summary>
    [Id(11)] public DateTimeOffset? FailingSince { get; set; }
    [Id(12)] public List<DeadLetter> DeadLetters { get; set; } = [];
    /// <summary>Dead letters an operator asked to send again; they go before new events.</summary>
    [Id(13)] public List<DeadLetter> Replays { get; set; } = [];
    [Id(14)] public DateTimeOffset? SecretRotatedAt { get; set; }
}

[GenerateSerializer, Immutable, Alias("ut.SigningSecret")]
public sealed record SigningSecret([property: Id(0)] string Secret, [property: Id(1)] DateTimeOffset? ValidUntil)
{
    /// <summary>Whether it still signs at <paramref name="now"/> (the current secret always; a rotated-out one until its grace ends).</summary>
    public bool SignsAt(DateTimeOffset now) => ValidUntil is null || ValidUntil > now;
}
