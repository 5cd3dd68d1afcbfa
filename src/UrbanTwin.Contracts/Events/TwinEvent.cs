using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Contracts.Events;

/// <summary>
/// Something that happened to the twin: an alarm raised, escalated, de-escalated, acknowledged or cleared, or an
/// asset's status changed. An asset records it in the durable event log in the same write as the state it changed,
/// so an event exists exactly when its state does, and pushes it to its district for the live view.
/// </summary>
/// <param name="Id">
/// <c>{subject}@{version}</c> (an alarm id, or <c>{assetId}/status</c>): the same change always has the same id, so a
/// consumer that sees it twice (a redelivery, a catch-up that overlaps) knows it.
/// </param>
/// <param name="Type">One of <see cref="TwinEventTypes"/>.</param>
/// <param name="Time">When it happened on the asset's clock: the reading's timestamp or the acknowledgement's time.</param>
/// <param name="NodeId">The district the asset is in.</param>
[GenerateSerializer, Immutable, Alias("ut.TwinEvent")]
public sealed record TwinEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset Time,
    [property: Id(3)] string NodeId,
    [property: Id(4)] string AssetId,
    [property: Id(5)] string AssetKind,
    [property: Id(6)] AlarmRecord? Alarm = null,
    [property: Id(7)] AssetStatus? Status = null,
    [property: Id(8)] AssetStatus? PreviousStatus = null);
