using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Contracts.Events;

/// <summary>
/// Something that happened to the twin: an alarm raised, escalated, de-escalated, acknowledged or cleared, an
/// asset's status changed, or a node's (the worst status of the assets below it). An asset records it in the durable
/// event log in the same write as the state it changed, so an event exists exactly when its state does, and pushes it
/// to its district for the live view; a node records its status changes the same way (<c>node.status</c>).
/// </summary>
/// <param name="Id">
/// <c>{subject}@{version}</c> (an alarm id, or <c>{assetId}/status</c>): the same change always has the same id, so a
/// consumer that sees it twice (a redelivery, a catch-up that overlaps) knows it.
/// </param>
/// <param name="Type">One of <see cref="TwinEventTypes"/>.</param>
/// <param name="Time">When it happened on the asset's clock: the reading's timestamp or the acknowledgement's time.</param>
/// <param name="NodeId">The district the asset is in; for <c>node.status</c>, the node itself.</param>
/// <param name="AssetId">The asset; null for <c>node.status</c>.</param>
/// <param name="Assets">For <c>node.status</c>: the assets below the node by status when it changed.</param>
/// <param name="Values">For <c>asset.values</c>: the asset's latest value of every metric after the change.</param>
/// <param name="Changed">For <c>asset.values</c>: the metrics the change set.</param>
/// <param name="Location">For <c>asset.values</c>: where the asset is.</param>
[GenerateSerializer, Immutable, Alias("ut.TwinEvent")]
public sealed record TwinEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset Time,
    [property: Id(3)] string NodeId,
    [property: Id(4)] string? AssetId,
    [property: Id(5)] string? AssetKind,
    [property: Id(6)] AlarmRecord? Alarm = null,
    [property: Id(7)] AssetStatus? Status = null,
    [property: Id(8)] AssetStatus? PreviousStatus = null,
    [property: Id(9)] Rollup.AssetCounts? Assets = null,
    [property: Id(10)] MetricSample[]? Values = null,
    [property: Id(11)] string[]? Changed = null,
    [property: Id(12)] Topology.GeoPoint? Location = null)
{
    /// <summary>What the event is about, the unit of order: its changes are logged, and delivered, in order.</summary>
    public string Subject => AssetId ?? NodeId;
}
