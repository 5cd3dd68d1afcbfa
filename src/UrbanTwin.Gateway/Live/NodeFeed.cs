using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.EventLog;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Domain.Rollup;

namespace UrbanTwin.Gateway.Live;

/// <summary>
/// The live view of one node on this gateway, shared by every client streaming it: an <see cref="INodeObserver"/>
/// the node pushes to (its summary and its children's as they change, the events of the assets below it), renewed
/// every <see cref="LiveOptions.RenewEvery"/>. Nothing is polled: an idle feed costs the cluster one grain call per
/// renewal, and 200 clients cost what one does.
/// <para>
/// A renewal that finds the node no longer knew this feed (its silo died, or it moved) means pushes were lost: the
/// feed reads the children again and takes what the durable event log recorded under the node since the last good
/// renewal. Events are passed on once each (by event id), whether they came pushed or from the log.
/// </para>
/// </summary>
internal sealed class NodeFeed : INodeObserver, IDisposable
{
    private const int RememberedEventIds = 4096;

    private readonly NodeDefinition _node;
    private readonly IGrainFactory _grains;
    private readonly NodeDirectory _directory;
    private readonly IEventLog _log;
    private readonly LiveOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<LiveSubscription> _clients = [];
    private readonly Dictionary<string, NodeSummary> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _eventIds = new(StringComparer.Ordinal);
    private readonly Queue<string> _eventOrder = new();
    private readonly INodeObserver _reference;
    private readonly ITimer _renewal;
    private readonly TaskCompletionSource _firstWatch = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset? _watchedSince;
    private int _renewing;

    public NodeFeed(NodeDefinition node, IGrainFactory grains, NodeDirectory directory, IEventLog log, LiveOptions options, TimeProvider clock,
        ILogger logger)
    {
        (_node, _grains, _directory, _log, _options, _clock, _logger) = (node, grains, directory, log, options, clock, logger);
        // The runtime holds an observer weakly: this feed keeps the reference's target alive as long as it has clients.
        _reference = grains.CreateObjectReference<INodeObserver>(this);
        _renewal = clock.CreateTimer(_ => _ = RenewAsync(), null, TimeSpan.Zero, options.RenewEvery);
    }

    /// <summary>Completes once the node has been asked for pushes the first time (whether or not it answered).</summary>
    public Task FirstWatch => _firstWatch.Task;

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

    /// <summary>Removes a client; true when none is left (the feed is then disposed by its hub).</summary>
    public bool Remove(LiveSubscription client)
    {
        lock (_gate)
        {
            _clients.Remove(client);
            return _clients.Count == 0;
        }
    }

    public Task NodeChanged(NodeSummary summary)
    {
        _ = PublishAsync([summary]);
        return Task.CompletedTask;
    }

    public Task Happened(TwinEvent[] events)
    {
        _ = PassOnAsync(events);
        return Task.CompletedTask;
    }

    /// <summary>The alarm events under this node logged since <paramref name="since"/> (for a client's <c>Last-Event-ID</c>).</summary>
    public async Task<AlarmEvent[]> LoggedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var logged = await _log.ReadSinceAsync(since, _options.MaxCatchUp, cancellationToken);
        var tree = await _directory.GetAsync(cancellationToken);
        var districts = tree.DistrictsUnder(_node).ToHashSet(StringComparer.Ordinal);
        return [.. logged.Select(l => l.Event).Where(e => districts.Contains(e.NodeId)).Select(e => AlarmEvent.From(e, tree)).OfType<AlarmEvent>()];
    }

    public void Dispose()
    {
        _renewal.Dispose();
        _ = UnwatchAsync();
    }

    private async Task RenewAsync()
    {
        if (Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return; // the previous renewal is still waiting on a silo
        }
        try
        {
            var startedAt = _clock.GetUtcNow();
            var grain = NodeGrains.Get(_grains, _node.Kind, _node.Id);
            var watch = await grain.Watch(_reference);
            if (watch.Summary is { } summary)
            {
                await PublishAsync([summary]);
            }
            if (!watch.WasWatching && _watchedSince is { } since)
            {
                // The node lost this feed (it restarted or moved): what it pushed meanwhile never came.
                await PublishAsync(await grain.GetChildren());
                foreach (var missed in await LoggedSinceAsync(since - _options.CatchUpOverlap, CancellationToken.None))
                {
                    Broadcast(missed);
                }
            }
            _watchedSince = startedAt;
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Live view of {NodeId}: renewing its pushes failed ({Error}); trying again in {Interval}", _node.Id, ex.Message,
                _options.RenewEvery);
        }
        finally
        {
            _firstWatch.TrySetResult();
            Volatile.Write(ref _renewing, 0);
        }
    }

    private async Task UnwatchAsync()
    {
        try
        {
            await NodeGrains.Get(_grains, _node.Kind, _node.Id).Unwatch(_reference);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Live view of {NodeId}: unwatching failed; the node drops it when its lease ends", _node.Id);
        }
        _grains.DeleteObjectReference<INodeObserver>(_reference);
    }

    private async Task PublishAsync(NodeSummary[] summaries)
    {
        var tree = await _directory.GetAsync();
        foreach (var summary in summaries)
        {
            lock (_gate)
            {
                // Pushes may arrive out of order, and a renewal repeats what was pushed: newer content only.
                if (_seen.TryGetValue(summary.Id, out var seen) && (seen.Version >= summary.Version || SummaryBuilder.SameContent(seen, summary)))
                {
                    continue;
                }
                _seen[summary.Id] = summary;
            }
            var view = NodeView.From(summary, tree.Find(summary.Id));
            foreach (var client in Clients())
            {
                client.Publish(view);
            }
        }
    }

    private async Task PassOnAsync(TwinEvent[] events)
    {
        var tree = await _directory.GetAsync();
        foreach (var e in events)
        {
            if (AlarmEvent.From(e, tree) is { } alarm)
            {
                Broadcast(alarm);
            }
        }
    }

    private void Broadcast(AlarmEvent alarm)
    {
        lock (_gate)
        {
            if (!_eventIds.Add(alarm.Id))
            {
                return; // already passed on (pushed, then found again in the log)
            }
            _eventOrder.Enqueue(alarm.Id);
            if (_eventOrder.Count > RememberedEventIds)
            {
                _eventIds.Remove(_eventOrder.Dequeue());
            }
        }
        foreach (var client in Clients())
        {
            client.Publish(alarm);
        }
    }

    private LiveSubscription[] Clients()
    {
        lock (_gate)
        {
            return [.. _clients];
        }
    }
}
