using UrbanTwin.Contracts.Events;
using UrbanTwin.Gateway.Alarms;
using UrbanTwin.Gateway.Nodes;

namespace UrbanTwin.Gateway.Live;

/// <summary>
/// An alarm raised, changed or cleared under the watched node (SSE event <c>alarm</c>).
/// </summary>
/// <param name="Id">The event's id in the durable log (<c>{alarmId}@{version}</c>): the same change always has the same id, so a client that sees it twice after a reconnect can tell.</param>
/// <param name="Type"><c>raised</c>, <c>changed</c> or <c>cleared</c>.</param>
/// <param name="Transition">What changed exactly: <c>raised</c>, <c>escalated</c>, <c>deescalated</c>, <c>acknowledged</c> or <c>cleared</c>.</param>
public sealed record AlarmEvent(string Id, string Type, string Transition, AlarmView Alarm)
{
    /// <summary>The SSE form of a logged alarm event; null for events of other kinds (an asset's status).</summary>
    public static AlarmEvent? From(TwinEvent e, NodeDirectory.Tree tree)
    {
        if (e.Alarm is not { } alarm || !e.Type.StartsWith("alarm.", StringComparison.Ordinal))
        {
            return null;
        }
        var transition = e.Type["alarm.".Length..];
        var type = e.Type switch
        {
            TwinEventTypes.AlarmRaised => "raised",
            TwinEventTypes.AlarmCleared => "cleared",
            _ => "changed",
        };
        return new AlarmEvent(e.Id, type, transition, AlarmView.From(alarm, tree));
    }
}
