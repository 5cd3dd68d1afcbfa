using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Alarms;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Grains.Rollup;

namespace UrbanTwin.Gateway.Live;

/// <summary>
/// Watches one node for all the clients streaming it from this gateway: reads the node and its children every
/// poll interval and the alarms under it every alarm interval, and publishes what changed to each client. So 200
/// clients on one node cost the grains what one costs.
/// </summary>
internal sealed class NodeWatcher
{
    private const int AlarmsPerDistrict = 50;

    private readonly NodeDefinition _node;
    private readonly IGrainFactory _grains;
    private readonly NodeDirectory _directory;
    private readonly LiveOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<LiveSubscription> _clients = [];
    private readonly Dictionary<string, NodeSummary> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (AlarmState State, long Version)> _alarms = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private bool _alarmsPrimed;

    public NodeWatcher(NodeDefinition node, IGrainFactory grains, NodeDirectory directory, LiveOptions options, ILogger logger)
    {
        (_node, _grains, _directory, _options, _logger) = (node, grains, directory, options, logger);
        _ = Task.Run(RunAsync);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    public void Add(LiveSubscription client)
    {
        lock (_gate)
        {
            _clients.Add(client);
        }
    }

    /// <summary>Removes a client; true when none is left (the watcher then stops).</summary>
    public bool Remove(LiveSubscription client)
    {
        lock (_gate)
        {
            _clients.Remove(client);
            if (_clients.Count > 0)
            {
                return false;
            }
        }
        _stop.Cancel();
        return true;
    }

    private async Task RunAsync()
    {
        var nextAlarmPoll = DateTime.UtcNow;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await PollNodesAsync();
                if (DateTime.UtcNow >= nextAlarmPoll)
                {
                    nextAlarmPoll = DateTime.UtcNow + _options.AlarmPollInterval;
                    await PollAlarmsAsync();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Live view of {NodeId}: a poll failed; trying again", _node.Id);
            }
            try
            {
                await Task.Delay(_options.PollInterval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task PollNodesAsync()
    {
        var grain = NodeGrains.Get(_grains, _node.Kind, _node.Id);
        var summaries = new List<NodeSummary>();
        if (await grain.GetSummary() is { } own)
        {
            summaries.Add(own);
        }
        summaries.AddRange(await grain.GetChildren());
        var tree = await _directory.GetAsync(_stop.Token);
        foreach (var summary in summaries)
        {
            if (_seen.TryGetValue(summary.Id, out var seen) && SummaryBuilder.SameContent(seen, summary))
            {
                continue;
            }
            _seen[summary.Id] = summary;
            Broadcast(client => client.Publish(NodeView.From(summary, tree.Find(summary.Id))));
        }
    }

    private async Task PollAlarmsAsync()
    {
        var tree = await _directory.GetAsync(_stop.Token);
        var query = new AlarmQuery(null, null, null, null, AlarmsPerDistrict);
        var found = await Task.WhenAll(tree.DistrictsUnder(_node).Select(d => _grains.ByKey<IDistrictGrain>(d).SearchAlarms(query)));
        foreach (var alarm in found.SelectMany(f => f).OrderBy(a => a.RaisedAt))
        {
            var known = _alarms.TryGetValue(alarm.Id, out var held);
            if (known && held.Version == alarm.Version)
            {
                continue;
            }
            _alarms[alarm.Id] = (alarm.State, alarm.Version);
            if (!_alarmsPrimed)
            {
                continue; // what existed before anyone watched is in the snapshot's counts, not an event
            }
            var type = alarm.State == AlarmState.Cleared ? "cleared" : known ? "changed" : "raised";
            var view = AlarmView.From(alarm, tree);
            Broadcast(client => client.Publish(new AlarmEvent(type, view)));
        }
        _alarmsPrimed = true;
    }

    private void Broadcast(Action<LiveSubscription> publish)
    {
        LiveSubscription[] clients;
        lock (_gate)
        {
            clients = [.. _clients];
        }
        foreach (var client in clients)
        {
            publish(client);
        }
    }
}
