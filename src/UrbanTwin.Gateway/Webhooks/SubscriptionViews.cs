using UrbanTwin.Contracts.Webhooks;

namespace UrbanTwin.Gateway.Webhooks;

/// <summary>The body of <c>POST /subscriptions</c>.</summary>
/// <param name="Events">Event types or families: alarm.raised, alarm.escalated, alarm.deescalated, alarm.acknowledged, alarm.cleared, asset.status, alarm.*, *.</param>
/// <param name="Node">Only assets at or below this node (required for a scoped key, inside its scope).</param>
/// <param name="Kinds">Only assets of these kinds.</param>
/// <param name="MinLevel">warning or alarm: only alarms reaching it, and status changes from or to a status that severe.</param>
public sealed record SubscriptionRequest(string? Url, string[]? Events, string? Node = null, string[]? Kinds = null, string? MinLevel = null, string? Description = null);

/// <summary>The body of <c>PATCH /subscriptions/{id}</c>: members left out stay as they are.</summary>
/// <param name="State">active (resume, also a disabled subscription) or paused.</param>
public sealed record SubscriptionPatch(string? Url = null, string[]? Events = null, string? Node = null, string[]? Kinds = null, string? MinLevel = null,
    string? Description = null, string? State = null);

public sealed record SubscriptionView(
    string Id,
    string Url,
    string[] Events,
    string? Node,
    string[] Kinds,
    string? MinLevel,
    string? Description,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    string State,
    string? StateReason,
    DeliveryView Delivery,
    DateTimeOffset? SecretRotatedAt)
{
    public static SubscriptionView From(WebhookSubscription s)
    {
        var d = s.Definition;
        var x = s.Delivery;
        return new SubscriptionView(d.Id, d.Url, d.Filter.Events, d.Filter.Node, d.Filter.Kinds, d.Filter.MinLevel?.ToString().ToLowerInvariant(),
            d.Description, d.CreatedAt, d.CreatedBy, s.State.ToString().ToLowerInvariant(), s.StateReason,
            new DeliveryView(x.Delivered, x.Pending, x.Failed, x.DeadLettered, x.LastSuccessAt, x.LastFailureAt, x.LastError, x.ConsecutiveFailures, x.OldestPendingAt),
            s.SecretRotatedAt);
    }
}

/// <param name="Pending">Events still to deliver: taken and not yet answered, not yet taken, and replays.</param>
/// <param name="Failed">Failed attempts (each retry counts).</param>
/// <param name="DeadLettered">Events given up on after the last retry.</param>
public sealed record DeliveryView(long Delivered, long Pending, long Failed, long DeadLettered, DateTimeOffset? LastSuccessAt, DateTimeOffset? LastFailureAt,
    string? LastError, int ConsecutiveFailures, DateTimeOffset? OldestPendingAt);

/// <summary>A subscription just created, with its signing secret: shown this once.</summary>
public sealed record SubscriptionCreatedView(string Secret, SubscriptionView Subscription);

public sealed record SubscriptionListView(SubscriptionView[] Items);

/// <param name="PreviousSecretValidUntil">Until when the previous secret keeps signing too.</param>
public sealed record SecretView(string Secret, DateTimeOffset PreviousSecretValidUntil);

/// <param name="EventId">The event's id, sent as <c>webhook-id</c> (again on a replay).</param>
public sealed record DeadLetterView(string EventId, string Type, string? AssetId, string NodeId, DateTimeOffset EventTime, int Attempts, string LastError,
    DateTimeOffset DeadLetteredAt)
{
    public static DeadLetterView From(DeadLetter d) => new(d.EventId, d.Type, d.AssetId, d.NodeId, d.EventTime, d.Attempts, d.LastError, d.DeadLetteredAt);
}

public sealed record DeadLetterListView(DeadLetterView[] Items);

public sealed record ReplayView(int Replayed);
