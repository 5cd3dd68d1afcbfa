using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Events;

namespace UrbanTwin.Grains.Assets;

/// <summary>
/// Collects the events one call of an asset causes, to be written with the state it leaves (<see cref="Storage.LiveStore"/>).
/// A struct passed by reference, with no list until there is an event: most calls have none.
/// </summary>
internal struct EventRecorder(AssetDefinition asset, DateTimeOffset now, long version, AssetStatus statusBefore)
{
    public List<TwinEvent>? Recorded { get; private set; }

    public void Alarm(string type, AlarmRecord alarm, DateTimeOffset at) =>
        Add(alarm.Id, new TwinEvent("", type, at, alarm.NodeId, asset.Id, asset.Kind, Alarm: alarm));

    /// <summary>Records a status change when the status the call leaves differs from the one it found.</summary>
    public void StatusNow(AssetStatus status)
    {
        if (status != statusBefore)
        {
            Add($"{asset.Id}/status", new TwinEvent("", TwinEventTypes.AssetStatus, now, asset.NodeId, asset.Id, asset.Kind,
                Status: status, PreviousStatus: statusBefore));
            statusBefore = status;
        }
    }

    private void Add(string subject, TwinEvent e)
    {
        Recorded ??= [];
        // Unique and stable: the subject at the call's version, numbered if the same call changed it twice.
        var id = $"{subject}@{version}";
        var repeats = Recorded.Count(r => r.Id.StartsWith(id, StringComparison.Ordinal));
        Recorded.Add(e with { Id = repeats == 0 ? id : $"{id}.{repeats}" });
    }
}
