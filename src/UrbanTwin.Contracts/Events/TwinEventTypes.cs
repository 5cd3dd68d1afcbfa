namespace UrbanTwin.Contracts.Events;

/// <summary>The types of <see cref="TwinEvent"/>: dotted, so a consumer can ask for a family (<c>alarm.*</c>).</summary>
public static class TwinEventTypes
{
    public const string AlarmRaised = "alarm.raised";
    public const string AlarmEscalated = "alarm.escalated";
    public const string AlarmDeescalated = "alarm.deescalated";
    public const string AlarmAcknowledged = "alarm.acknowledged";
    public const string AlarmCleared = "alarm.cleared";
    public const string AssetStatus = "asset.status";
    public const string NodeStatus = "node.status";

    /// <summary>
    /// An asset's values changed (a reading accepted). Logged only while an NGSI-LD subscription watches the asset's
    /// kind, for those subscriptions alone: not among <see cref="All"/>, so webhooks and live views never see it.
    /// </summary>
    public const string AssetValues = "asset.values";

    public static readonly IReadOnlyList<string> All =
        [AlarmRaised, AlarmEscalated, AlarmDeescalated, AlarmAcknowledged, AlarmCleared, AssetStatus, NodeStatus];
}
