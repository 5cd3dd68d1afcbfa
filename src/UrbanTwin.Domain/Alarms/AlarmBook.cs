using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Events;

namespace UrbanTwin.Domain.Alarms;

/// <summary>
/// The alarm episodes of one asset, driven by its metrics' levels (which already carry the hysteresis): a level
/// leaving normal opens an alarm, a change between warning and alarm keeps the same alarm, a level back to normal
/// clears it. A value hovering at a threshold therefore never opens a second alarm. Open alarms and the last few
/// cleared ones are kept (the district keeps a longer list).
/// </summary>
public static class AlarmBook
{
    /// <summary>Cleared alarms kept by the asset, so its district can be told again after a crash.</summary>
    public const int ClearedKept = 5;

    /// <summary>
    /// Records the level of <paramref name="metric"/> after a reading. Returns the transition (one of the alarm
    /// types of <see cref="TwinEventTypes"/>) when an alarm was opened, changed level or cleared, with the alarm as it
    /// is now in <paramref name="changed"/>: a transition must be stored durably before the answer. Null otherwise.
    /// </summary>
    public static string? OnLevel(List<AlarmRecord> alarms, ref int nextNumber, string assetId, string nodeId, string metric,
        AlarmLevel level, double value, DateTimeOffset at, long version, out AlarmRecord? changed)
    {
        changed = null;
        var open = IndexOfOpen(alarms, metric);
        if (open < 0)
        {
            if (level == AlarmLevel.None)
            {
                return null;
            }
            alarms.Add(changed = new AlarmRecord(AlarmRecord.NewId(assetId, metric, ++nextNumber), assetId, nodeId, metric, level, value, at,
                AlarmState.Active, null, null, null, null, version, level));
            return TwinEventTypes.AlarmRaised;
        }

        var alarm = alarms[open];
        if (level == AlarmLevel.None)
        {
            alarms[open] = changed = alarm with { State = AlarmState.Cleared, ClearedAt = at, Value = value, Version = version };
            Prune(alarms);
            return TwinEventTypes.AlarmCleared;
        }
        // Still open: follow the value; a level change (escalation or de-escalation) is a transition.
        alarms[open] = alarm with
        {
            Level = level, Value = value, Version = version, PeakLevel = level > alarm.PeakLevel ? level : alarm.PeakLevel,
        };
        if (alarm.Level == level)
        {
            return null;
        }
        changed = alarms[open];
        return level > alarm.Level ? TwinEventTypes.AlarmEscalated : TwinEventTypes.AlarmDeescalated;
    }

    /// <summary>A loop rather than FindIndex with a lambda: this runs for every metric of every reading, and the lambda's closure would be allocated each time.</summary>
    private static int IndexOfOpen(List<AlarmRecord> alarms, string metric)
    {
        for (var i = 0; i < alarms.Count; i++)
        {
            if (alarms[i].IsOpen && alarms[i].Metric == metric)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Acknowledges an open alarm; what happened, and the alarm as it is now.</summary>
    public static AcknowledgeResult Acknowledge(List<AlarmRecord> alarms, string alarmId, string by, string? comment, string? key, DateTimeOffset at,
        long version, string? expectedRevision = null)
    {
        var index = alarms.FindIndex(a => a.Id == alarmId);
        if (index < 0)
        {
            return new AcknowledgeResult(AcknowledgeOutcome.NotFound, null);
        }
        var alarm = alarms[index];
        if (expectedRevision is not null && expectedRevision != Revision(alarm))
        {
            return new AcknowledgeResult(AcknowledgeOutcome.Changed, alarm);
        }
        switch (alarm.State)
        {
            case AlarmState.Cleared:
                return new AcknowledgeResult(AcknowledgeOutcome.Cleared, alarm);
            case AlarmState.Acknowledged:
                return new AcknowledgeResult(AcknowledgeOutcome.AlreadyAcknowledged, alarm);
            default:
                alarms[index] = alarm with
                {
                    State = AlarmState.Acknowledged, AcknowledgedBy = by, AcknowledgedKey = key, AcknowledgedAt = at, Comment = comment, Version = version,
                };
                return new AcknowledgeResult(AcknowledgeOutcome.Acknowledged, alarms[index]);
        }
    }

    /// <summary>
    /// The alarm's revision, its ETag: it changes when what an operator decides on changes (state, level, peak level,
    /// acknowledgement, clearing), not with every new value of the metric while the alarm is open.
    /// </summary>
    public static string Revision(AlarmRecord alarm) =>
        System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(
            $"{alarm.Id}|{alarm.State}|{alarm.Level}|{alarm.PeakLevel}|{alarm.AcknowledgedAt?.UtcTicks}|{alarm.ClearedAt?.UtcTicks}"))
        .ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Keeps every open alarm and the <see cref="ClearedKept"/> most recently cleared.</summary>
    private static void Prune(List<AlarmRecord> alarms)
    {
        var cleared = alarms.Where(a => !a.IsOpen).OrderByDescending(a => a.ClearedAt).Skip(ClearedKept).ToHashSet();
        alarms.RemoveAll(cleared.Contains);
    }
}
