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

    public static readonly IReadOnlyList<string> All =
        [AlarmRaised, AlarmEscalated, AlarmDeescalated, AlarmAcknowledged, AlarmCleared, AssetStatus, NodeStatus];
}
