using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Contracts.Alarms;

[GenerateSerializer, Alias("ut.AlarmState")]
public enum AlarmState
{
    Active = 0,
    Acknowledged = 1,
    Cleared = 2,
}

/// <summary>
/// One alarm episode of one metric of one asset: raised when the metric's level leaves normal, kept (same id) while
/// it escalates or de-escalates, cleared when the level is back to normal (past the hysteresis band). The asset
/// owns it and stores it durably; its district keeps a copy to list, replaced by <see cref="Version"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.AlarmRecord")]
public sealed record AlarmRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string AssetId,
    [property: Id(2)] string NodeId,
    [property: Id(3)] string Metric,
    [property: Id(4)] AlarmLevel Level,
    [property: Id(5)] double Value,
    [property: Id(6)] DateTimeOffset RaisedAt,
    [property: Id(7)] AlarmState State,
    [property: Id(8)] string? AcknowledgedBy,
    [property: Id(9)] DateTimeOffset? AcknowledgedAt,
    [property: Id(10)] string? Comment,
    [property: Id(11)] DateTimeOffset? ClearedAt,
    [property: Id(12)] long Version,
    [property: Id(13)] AlarmLevel PeakLevel,
    [property: Id(14)] string? AcknowledgedKey = null)
{
    /// <summary>Alarm ids are <c>{assetId}:{metric}:{n}</c>: the asset that owns the alarm is in its id.</summary>
    public static string NewId(string assetId, string metric, int number) => $"{assetId}:{metric}:{number}";

    /// <summary>The owning asset's id, or null when <paramref name="alarmId"/> is not an alarm id.</summary>
    public static string? AssetOf(string alarmId)
    {
        var last = alarmId.LastIndexOf(':');
        var metric = last > 0 ? alarmId.LastIndexOf(':', last - 1) : -1;
        return metric > 0 && last < alarmId.Length - 1 ? alarmId[..metric] : null;
    }

    public bool IsOpen => State != AlarmState.Cleared;
}

/// <summary>A filter over one district's alarms, newest first, continuing after (<see cref="BeforeRaisedAt"/>, <see cref="BeforeId"/>).</summary>
[GenerateSerializer, Immutable, Alias("ut.AlarmQuery")]
public sealed record AlarmQuery(
    [property: Id(0)] AlarmState? State,
    [property: Id(1)] AlarmLevel? Level,
    [property: Id(2)] DateTimeOffset? BeforeRaisedAt,
    [property: Id(3)] string? BeforeId,
    [property: Id(4)] int Limit);

[GenerateSerializer, Alias("ut.AcknowledgeOutcome")]
public enum AcknowledgeOutcome
{
    Acknowledged = 0,
    AlreadyAcknowledged = 1,
    NotFound = 2,
    Cleared = 3,
    /// <summary>Refused: the alarm's asset is outside the caller's scope.</summary>
    OutOfScope = 4,
    /// <summary>Refused: the alarm changed since the revision the caller named (If-Match).</summary>
    Changed = 5,
}

[GenerateSerializer, Immutable, Alias("ut.AcknowledgeResult")]
public sealed record AcknowledgeResult([property: Id(0)] AcknowledgeOutcome Outcome, [property: Id(1)] AlarmRecord? Alarm);
