using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.Webhooks;

namespace UrbanTwin.Domain.Webhooks;

/// <summary>What a subscription's filter may say, and whether an event passes it.</summary>
public static class WebhookFilters
{
    public const int MaxEvents = 20;
    public const int MaxKinds = 20;

    /// <summary>Whether <paramref name="pattern"/> names an event type or a family of them (<c>alarm.*</c>, or <c>*</c> for all).</summary>
    public static bool IsKnown(string pattern) =>
        pattern == "*" || TwinEventTypes.All.Contains(pattern) || (pattern.EndsWith(".*", StringComparison.Ordinal) && TwinEventTypes.All.Any(t => Covers(pattern, t)));

    public static bool Covers(string pattern, string type) =>
        pattern == "*" || pattern == type || (pattern.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(pattern[..^1], StringComparison.Ordinal));

    /// <summary>
    /// Whether <paramref name="e"/> passes: its type is asked for (never <c>asset.values</c>, which is logged for NGSI-LD
    /// subscriptions only, even under <c>*</c>), its asset is of an asked kind (a node's event has
    /// no kind: the kinds do not apply to it), under the node (<paramref name="inNode"/> tells whether a node is at or
    /// below it), and severe enough.
    /// </summary>
    public static bool Matches(WebhookFilter filter, TwinEvent e, Func<string, bool> inNode)
    {
        if (e.Type == TwinEventTypes.AssetValues || !filter.Events.Any(pattern => Covers(pattern, e.Type)))
        {
            return false;
        }
        if (filter.Kinds.Length > 0 && e.AssetKind is not null && !filter.Kinds.Contains(e.AssetKind, StringComparer.Ordinal))
        {
            return false;
        }
        if (filter.Node is not null && !inNode(e.NodeId))
        {
            return false;
        }
        return filter.MinLevel is not { } min || LevelOf(e) >= min;
    }

    /// <summary>
    /// How severe an event is for <c>minLevel</c>: an alarm event by the alarm's peak (so the clearing of an alarm
    /// passes the filter its raising or escalation passed); a status change by the worse of its two statuses.
    /// </summary>
    public static AlarmLevel LevelOf(TwinEvent e)
    {
        if (e.Alarm is { } alarm)
        {
            return (AlarmLevel)Math.Max((int)alarm.PeakLevel, (int)alarm.Level);
        }
        return (AlarmLevel)Math.Max((int)LevelOf(e.Status), (int)LevelOf(e.PreviousStatus));
    }

    private static AlarmLevel LevelOf(AssetStatus? status) => status switch
    {
        AssetStatus.Warning => AlarmLevel.Warning,
        AssetStatus.Alarm => AlarmLevel.Alarm,
        _ => AlarmLevel.None,
    };
}
