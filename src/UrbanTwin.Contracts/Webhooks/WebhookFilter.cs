using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Contracts.Webhooks;

/// <summary>Which events a subscription receives.</summary>
/// <param name="Events">Event types (<c>alarm.raised</c>) or prefix wildcards (<c>alarm.*</c>); at least one.</param>
/// <param name="Node">Only events of assets at or below this node; null for everywhere.</param>
/// <param name="Kinds">Only events of assets of these kinds; empty for every kind.</param>
/// <param name="MinLevel">
/// Only alarm events whose alarm reaches this level (its peak), and status changes from or to a status at least as
/// severe; null for all.
/// </param>
[GenerateSerializer, Immutable, Alias("ut.WebhookFilter")]
public sealed record WebhookFilter(
    [property: Id(0)] string[] Events,
    [property: Id(1)] string? Node,
    [property: Id(2)] string[] Kinds,
    [property: Id(3)] AlarmLevel? MinLevel);
