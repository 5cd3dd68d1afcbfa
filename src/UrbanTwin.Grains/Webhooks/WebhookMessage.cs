using System.Text.Json;
using System.Text.Json.Serialization;
using UrbanTwin.Contracts.Events;

namespace UrbanTwin.Grains.Webhooks;

/// <summary>
/// The body of a delivery, per the Standard Webhooks specification: <c>{"type", "timestamp", "data"}</c>, with the
/// asset and node ids at the top of <c>data</c>. Its id (the <c>webhook-id</c> header) is the event's id, the same on
/// every attempt and every subscription, so a receiver deduplicates with it.
/// </summary>
public static class WebhookMessage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Body(TwinEvent e) => JsonSerializer.Serialize(new Envelope(e.Type, e.Time, Data.Of(e)), Json);

    private sealed record Envelope(string Type, DateTimeOffset Timestamp, Data Data);

    /// <summary>An asset's event names the asset and its district; a node's (<c>node.status</c>) only the node, with its assets by status.</summary>
    private sealed record Data(string EventId, string? AssetId, string NodeId, string? AssetKind, DateTimeOffset Time, Alarm? Alarm,
        Contracts.Assets.AssetStatus? Status, Contracts.Assets.AssetStatus? PreviousStatus, Contracts.Rollup.AssetCounts? Assets)
    {
        public static Data Of(TwinEvent e) =>
            new(e.Id, e.AssetId, e.NodeId, e.AssetKind, e.Time, e.Alarm is { } a ? Alarm.Of(a) : null, e.Status, e.PreviousStatus, e.Assets);
    }

    /// <summary>An alarm as the API's alarm list shows it (without the acknowledging key's name).</summary>
    private sealed record Alarm(string Id, string Metric, Contracts.Assets.AlarmLevel Level, Contracts.Assets.AlarmLevel PeakLevel, double Value,
        DateTimeOffset RaisedAt, Contracts.Alarms.AlarmState State, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt, string? Comment,
        DateTimeOffset? ClearedAt)
    {
        public static Alarm Of(Contracts.Alarms.AlarmRecord a) =>
            new(a.Id, a.Metric, a.Level, a.PeakLevel, a.Value, a.RaisedAt, a.State, a.AcknowledgedBy, a.AcknowledgedAt, a.Comment, a.ClearedAt);
    }
}
