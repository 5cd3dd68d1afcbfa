using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Domain.Rollup;
using UrbanTwin.Grains.Storage;
using UrbanTwin.EventLog.Readings;

namespace UrbanTwin.Grains.Rollup;

[GenerateSerializer, Alias("ut.NodeStatusState")]
public sealed class NodeStatusState
{
    /// <summary>The status last written to the event log; null before the first.</summary>
    [Id(0)] public AssetStatus? Status { get; set; }
}

/// <summary>
/// A node's log: its status changes in the durable event log (<c>node.status</c>), for subscribers that follow a district or a
/// city rather than each asset. The status announced is kept in the <see cref="LiveStore"/> and written in the same
/// atomic step as its event, as an asset's are: after a crash the node compares what it computes with what it last
/// announced, so a change is announced at least once, late rather than never. A node's summary is a roll-up that is
/// rebuilt, not stored, so its status cannot ride on the node's own state write. With a history store, its minutes
/// go to the reading log through the same record (<see cref="LogMinute"/>).
/// </summary>
internal sealed class NodeStatusLog(LiveStore store, GrainId grainId)
{
    private const string StateName = "nodestatus";
    private readonly LiveRecord _record = new();
    private NodeStatusState _state = new();

    public async Task LoadAsync() => _state = await store.ReadAsync<NodeStatusState>(StateName, grainId, _record);

    /// <summary>
    /// Logs a change of the node's status since the last one announced. A write that fails is tried again by the store
    /// (it stays staged), so nothing is staged again meanwhile; a conflict (another activation) is that one's to announce.
    /// </summary>
    public Task RecordAsync(NodeSummary summary, DateTimeOffset now)
    {
        var status = SummaryBuilder.NodeStatus(summary.Assets);
        if (status is null || status == _state.Status || _record.IsUnwritten || _record.IsConflicted)
        {
            return Task.CompletedTask;
        }
        var change = new TwinEvent($"{summary.Id}/status@{summary.Version}", TwinEventTypes.NodeStatus, now, summary.Id, AssetId: null, AssetKind: null,
            Status: status, PreviousStatus: _state.Status, Assets: summary.Assets);
        _state = new NodeStatusState { Status = status };
        return store.WriteAsync(StateName, grainId, _record, _state, [change]);
    }

    /// <summary>
    /// Logs a closed minute's means for the history store, written behind with this record (its state unchanged), so
    /// they ride the reading log like an asset's readings. A minute still open when the node's silo dies is not logged.
    /// </summary>
    public void LogMinute(string nodeId, DateTimeOffset start, IReadOnlyDictionary<string, double> means)
    {
        if (means.Count == 0 || _record.IsConflicted)
        {
            return;
        }
        var rows = new HistoryRows();
        rows.Add(HistoryRowKind.Node, nodeId, start, means);
        store.WriteBehind(StateName, grainId, _record, _state, rows);
    }
}
