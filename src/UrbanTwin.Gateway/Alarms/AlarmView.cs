using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Domain.Alarms;

namespace UrbanTwin.Gateway.Alarms;

/// <summary>
/// An alarm as the API shows it; <see cref="Path"/> runs from its district up to the province. <see cref="Etag"/>
/// changes when its state, level, peak level, acknowledgement or clearing does, not with each new value.
/// </summary>
public sealed record AlarmView(
    string Id,
    string AssetId,
    string NodeId,
    string[] Path,
    string Metric,
    AlarmLevel Level,
    AlarmLevel PeakLevel,
    double Value,
    DateTimeOffset RaisedAt,
    AlarmState State,
    string? AcknowledgedBy,
    string? AcknowledgedKey,
    DateTimeOffset? AcknowledgedAt,
    string? Comment,
    DateTimeOffset? ClearedAt,
    string Etag)
{
    public static AlarmView From(AlarmRecord a, NodeDirectory.Tree tree) => new(
        a.Id, a.AssetId, a.NodeId, tree.PathUp(a.NodeId), a.Metric, a.Level, a.PeakLevel, a.Value, a.RaisedAt, a.State,
        a.AcknowledgedBy, a.AcknowledgedKey, a.AcknowledgedAt, a.Comment, a.ClearedAt, ETagOf(a));

    /// <summary>The alarm's entity tag (header form, quotes included): send it as If-Match to acknowledge only what was seen.</summary>
    public static string ETagOf(AlarmRecord alarm) => $"\"{AlarmBook.Revision(alarm)}\"";
}

/// <summary>A page of alarms; <c>stale</c> when a district answered from the gateway's last-seen state, then with <c>asOf</c>, the oldest of them.</summary>
public sealed record AlarmPageView(AlarmView[] Items, string? NextCursor, bool Stale,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? AsOf = null);

/// <summary>The body of <c>POST /alarms/{id}/ack</c>.</summary>
public sealed record AcknowledgeRequest(string? By, string? Comment = null);
