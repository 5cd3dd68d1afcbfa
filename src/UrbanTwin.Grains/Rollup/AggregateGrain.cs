using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.History;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.History;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Storage;
using UrbanTwin.Domain.Rollup;
using UrbanTwin.Domain.History;

namespace UrbanTwin.Grains.Rollup;

[GenerateSerializer, Alias("ut.AggregateState")]
public abstract class AggregateState
{
    [Id(0)] public NodeDefinition? Definition { get; set; }
    [Id(1)] public long SummaryVersion { get; set; }
}

/// <summary>
/// What districts, cities, clusters and the province share: a definition, a summary derived from the children's
/// latest state, and a grain timer that pushes the summary to the parent only when it changed, and writes the state
/// behind once it has waited the flush window. Updates from below only mark the node dirty, so a burst of updates
/// costs one recompute, at most one push per interval and one write per window.
/// <para>
/// Live viewers (<see cref="INodeObserver"/>, a gateway's SSE feed) subscribe with <see cref="Watch"/> and get the
/// same pushes as the parent, the children's summaries as they arrive, and the events of the assets below as they
/// pass up the tree: nothing polls, and an idle view costs only its renewals.
/// </para>
/// </summary>
public abstract class AggregateGrain<TState>(
    IPersistentState<TState> store, LiveStore statusStore, TimeProvider clock, IOptions<RollupOptions> options, IOptions<StorageOptions> storage,
    SiloMetrics metrics, ILogger logger)
    : Grain, INodeGrain where TState : AggregateState
{
    private NodeSummary? _current;
    private NodeSummary? _published;
    private readonly AggregateHistory _history = new();
    private IGrainTimer? _publishTimer;
    private IGrainTimer? _historyTimer;
    private IGrainTimer? _urgentPublish;
    private SharedWrite _write = null!;
    private NodeStatusLog _statusLog = null!;
    private bool _logsHistory; // a history store is configured: closed minutes go to the reading log
    private DateTimeOffset? _unsavedSince;
    private bool _unsavedBeyondCache; // an unsaved change that children cannot push again: written within FlushInterval
    private ObserverManager<INodeObserver>? _watchers; // created by the first Watch: most nodes are never watched

    protected TState State => store.State;
    protected TimeProvider Clock => clock;
    protected SiloMetrics Metrics => metrics;
    protected bool Dirty { get; private set; } = true;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _write = new SharedWrite(store.WriteStateAsync, new("kind", GrainContext.GrainId.Type.ToString()), metrics);
        _statusLog = new NodeStatusLog(statusStore, GrainContext.GrainId);
        _logsHistory = ServiceProvider.GetService(typeof(UrbanTwin.History.HistoryStore)) is not null;
        await _statusLog.LoadAsync();
        if (State.Definition is not null)
        {
            StartPublishing();
            // What this node read from storage may be older than its children (write-behind lost in a crash):
            // ask them to push again, on a turn of its own so activation does not wait for the whole subtree.
            this.RegisterGrainTimer(HealAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        OnDeactivating();
        if (_unsavedSince is not null)
        {
            await SaveAsync(); // graceful shutdown, rebalancing and idle collection lose nothing
        }
    }

    public async Task Define(NodeDefinition definition, string[] childIds)
    {
        if (definition.Id != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"Definition of '{definition.Id}' sent to node '{this.GetPrimaryKeyString()}'.", nameof(definition));
        }
        State.Definition = definition;
        OnDefined(childIds);
        await WriteNowAsync(); // topology is always durable
        MarkDirty();
        StartPublishing();
    }

    public Task Refresh()
    {
        _published = null; // the next tick pushes even if nothing changed here
        return Task.CompletedTask;
    }

    public Task<HistoryPoint[]> GetHistory(string series, DateTimeOffset from, DateTimeOffset to, TimeSpan step) =>
        Task.FromResult(_history.Query(series, from, to, step));

    public Task<NodeSummary?> GetSummary() => Task.FromResult(State.Definition is null ? null : Current());

    public Task<NodeWatch> Watch(INodeObserver observer)
    {
        _watchers ??= new ObserverManager<INodeObserver>(options.Value.WatchLease, logger);
        var wasWatching = _watchers.Observers.ContainsKey(observer);
        _watchers.Subscribe(observer, observer);
        return Task.FromResult(new NodeWatch(State.Definition is null ? null : Current(), wasWatching));
    }

    public Task Unwatch(INodeObserver observer)
    {
        _watchers?.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <summary>Sends <paramref name="push"/> to every live viewer of this node (one-way; a lapsed viewer is dropped).</summary>
    protected void PushToWatchers(Action<INodeObserver> push)
    {
        if (_watchers is { Count: > 0 })
        {
            _watchers.Notify(push);
        }
    }

    /// <summary>Events of assets below: to this node's viewers and on up the tree at once (one-way), not at the publish interval.</summary>
    protected void PassOn(TwinEvent[] events)
    {
        PushToWatchers(o => o.Happened(events));
        if (State.Definition is { ParentId: { } parentId } definition)
        {
            _ = Parent(definition.Kind, parentId).ReportEvents(events);
        }
    }

    public abstract Task<NodeSummary[]> GetChildren();

    /// <summary>The children list changed (regions keep it; districts have asset children instead).</summary>
    protected abstract void OnDefined(string[] childIds);

    /// <summary>Derives the summary from the children's latest state.</summary>
    protected abstract NodeSummary Compute(NodeDefinition definition, DateTimeOffset now, long version);

    /// <summary>Asks every child (node or asset) to push its latest state again; runs once after activation.</summary>
    protected abstract Task RefreshChildrenAsync();

    /// <summary>Writes the node's state now: for changes that must not wait for the flush window.</summary>
    protected Task WriteNowAsync() => WriteAsync(durable: true);

    private async Task WriteAsync(bool durable)
    {
        var beyondCache = _unsavedBeyondCache;
        (_unsavedSince, _unsavedBeyondCache) = (null, false);
        try
        {
            await _write.WriteAsync(durable);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _unsavedSince ??= clock.GetUtcNow(); // still to be written: the next tick tries again
            _unsavedBeyondCache |= beyondCache;
            if (ex is Orleans.Storage.InconsistentStateException)
            {
                DeactivateOnIdle(); // another activation wrote since: this one is stale
            }
            throw;
        }
    }

    /// <summary>The write-behind, on a timer turn: failures are logged and tried again on a later tick.</summary>
    private async Task SaveAsync()
    {
        try
        {
            await WriteAsync(durable: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Node {NodeId}: its state could not be written; trying again", this.GetPrimaryKeyString());
        }
    }

    /// <summary>The activation is leaving this process (metrics it reports stop with it).</summary>
    protected virtual void OnDeactivating()
    {
    }

    /// <summary>Whether time alone changed the summary (an asset went silent), without any update.</summary>
    protected virtual bool ExpiredSince(DateTimeOffset computedAt, DateTimeOffset now) => false;

    /// <summary>
    /// Call after any change of the children's state: the node is recomputed and pushed on the next tick, and written
    /// behind. An urgent change (a status or an alarm count changed) is pushed after <see cref="RollupOptions.UrgentDelay"/>
    /// instead, by a one-shot grain timer: the urgent changes that arrive meanwhile go up together in that one push.
    /// The summary's version is the change's, so reading the summary changes nothing. A change of
    /// <paramref name="cacheOnly"/> (children's latest state, which they push again on activation) is written behind
    /// within <see cref="StorageOptions.CacheFlushInterval"/>, any other within <see cref="StorageOptions.FlushInterval"/>.
    /// </summary>
    protected void MarkDirty(bool urgent = false, bool cacheOnly = false)
    {
        Dirty = true;
        State.SummaryVersion = Versions.Next(State.SummaryVersion, clock);
        _unsavedSince ??= clock.GetUtcNow();
        _unsavedBeyondCache |= !cacheOnly;
        if (urgent && _urgentPublish is null && (State.Definition?.ParentId is not null || _watchers is { Count: > 0 }))
        {
            _urgentPublish = this.RegisterGrainTimer(PublishUrgentAsync, new GrainTimerCreationOptions(options.Value.UrgentDelay, Timeout.InfiniteTimeSpan));
        }
    }

    private async Task PublishUrgentAsync()
    {
        _urgentPublish?.Dispose();
        _urgentPublish = null;
        await PublishAsync();
        await RecordStatusAsync();
    }

    /// <summary>The summary as of the latest change, computed once per change (a cache: nothing stored changes).</summary>
    private NodeSummary Current()
    {
        if (_current is null || Dirty)
        {
            _current = Compute(State.Definition!, clock.GetUtcNow(), State.SummaryVersion);
            Dirty = false;
        }
        return _current;
    }

    private async Task HealAsync()
    {
        try
        {
            await RefreshChildrenAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Node {NodeId} could not ask all its children to refresh; their next updates will heal it",
                this.GetPrimaryKeyString());
        }
    }

    private void StartPublishing()
    {
        _publishTimer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(options.Value.PublishInterval, options.Value.PublishInterval));
        _historyTimer ??= this.RegisterGrainTimer(() =>
        {
            if (_history.Sample(clock.GetUtcNow(), NodeSeries.Of(Current())) is { } minute && _logsHistory)
            {
                _statusLog.LogMinute(this.GetPrimaryKeyString(), minute.Start, minute.Means);
            }
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(TimeSpan.Zero, AggregateHistory.FineStep));
    }

    /// <summary>
    /// Every publish interval: time alone may have changed the summary (an asset went silent: urgent, a status
    /// changed); the summary goes up if it changed; the state is written once it has waited the flush window.
    /// </summary>
    private async Task TickAsync()
    {
        var now = clock.GetUtcNow();
        if (_current is not null && !Dirty && ExpiredSince(_current.AsOf, now))
        {
            MarkDirty(urgent: true, cacheOnly: true); // only time changed
        }
        await PublishAsync();
        await RecordStatusAsync();
        if (_unsavedSince is { } since && now - since >= (_unsavedBeyondCache ? storage.Value.FlushInterval : storage.Value.CacheFlushInterval))
        {
            await SaveAsync();
        }
    }

    /// <summary>The summary goes to the parent and the viewers when its content changed since the last push.</summary>
    private Task PublishAsync()
    {
        if (State.Definition is not { } definition)
        {
            return Task.CompletedTask;
        }
        var watched = _watchers is { Count: > 0 };
        if (definition.ParentId is null && !watched)
        {
            return Task.CompletedTask; // the province, unwatched: nobody to tell
        }
        var summary = Current();
        if (!SummaryBuilder.SameContent(summary, _published))
        {
            if (definition.ParentId is { } parentId)
            {
                _ = Parent(definition.Kind, parentId).ReportChild(summary); // one-way
            }
            PushToWatchers(o => o.NodeChanged(summary));
            _published = summary;
        }
        return Task.CompletedTask;
    }

    /// <summary>A change of the node's status goes to the event log (<see cref="NodeStatusLog"/>); a failed write is logged, the store retries it.</summary>
    private async Task RecordStatusAsync()
    {
        if (State.Definition is null)
        {
            return;
        }
        try
        {
            await _statusLog.RecordAsync(Current(), clock.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Node {NodeId}: its status change could not be logged yet; the store tries again", this.GetPrimaryKeyString());
        }
    }

    private IRegionGrain Parent(NodeKind kind, string parentId) => kind switch
    {
        NodeKind.District => GrainFactory.ByKey<ICityGrain>(parentId),
        NodeKind.City => GrainFactory.ByKey<IClusterGrain>(parentId),
        NodeKind.Cluster => GrainFactory.ByKey<IProvinceGrain>(parentId),
        _ => throw new InvalidOperationException($"A {kind} has no parent."),
    };
}
