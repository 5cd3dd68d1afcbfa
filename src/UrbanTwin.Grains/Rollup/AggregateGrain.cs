using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.History;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.History;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Scheduling;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Rollup;

[GenerateSerializer, Alias("ut.AggregateState")]
public abstract class AggregateState
{
    [Id(0)] public NodeDefinition? Definition { get; set; }
    [Id(1)] public long SummaryVersion { get; set; }
}

/// <summary>
/// What districts, cities, clusters and the province share: a definition, a summary derived from the children's
/// latest state, and a timer that pushes the summary to the parent only when it changed. Updates from below
/// only mark the node dirty, so a burst of updates costs one recompute and at most one push per interval.
/// </summary>
public abstract class AggregateGrain<TState>(
    IPersistentState<TState> store, TimeProvider clock, IOptions<RollupOptions> options, IOptions<StorageOptions> storage, ILogger logger)
    : Grain, INodeGrain, IWrittenBehind where TState : AggregateState
{
    private NodeSummary? _current;
    private NodeSummary? _published;
    private readonly AggregateHistory _history = new();
    private IGrainTimer? _publishTimer;
    private IGrainTimer? _historyTimer;
    private IGrainTimer? _urgentPublish;
    private DeferredWrite _write = null!;

    protected TState State => store.State;
    protected TimeProvider Clock => clock;
    protected bool Dirty { get; private set; } = true;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainActivations.Activated(this);
        // Resolved here rather than passed through the five node grains' constructors.
        _write = new DeferredWrite(this, GrainContext.Scheduler, ServiceProvider.GetRequiredService<GrainWakeups>(), storage.Value.FlushInterval);
        if (State.Definition is not null)
        {
            StartPublishing();
            // What this node read from storage may be older than its children (write-behind lost in a crash):
            // ask them to push again, on a turn of its own so activation does not wait for the whole subtree.
            this.RegisterGrainTimer(HealAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainActivations.Deactivated(this);
        OnDeactivating();
        await _write.CloseAsync();
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

    public abstract Task<NodeSummary[]> GetChildren();

    /// <summary>The children list changed (regions keep it; districts have asset children instead).</summary>
    protected abstract void OnDefined(string[] childIds);

    /// <summary>Derives the summary from the children's latest state.</summary>
    protected abstract NodeSummary Compute(NodeDefinition definition, DateTimeOffset now, long version);

    /// <summary>Asks every child (node or asset) to push its latest state again; runs once after activation.</summary>
    protected abstract Task RefreshChildrenAsync();

    /// <summary>Writes the node's state now: for changes that must not wait for the flush window.</summary>
    protected Task WriteNowAsync() => _write.WriteNowAsync();

    Task IWrittenBehind.WriteStoredStateAsync() => store.WriteStateAsync();

    /// <summary>The activation is leaving this process (metrics it reports stop with it).</summary>
    protected virtual void OnDeactivating()
    {
    }

    /// <summary>Whether time alone changed the summary (an asset went silent), without any update.</summary>
    protected virtual bool ExpiredSince(DateTimeOffset computedAt, DateTimeOffset now) => false;

    /// <summary>
    /// Call after any change of the children's state: the node is recomputed and pushed on the next tick. An urgent
    /// change (a status or an alarm count changed) is pushed after <see cref="RollupOptions.UrgentDelay"/> instead, by
    /// a one-shot grain timer: the urgent changes that arrive meanwhile go up together in that one push.
    /// </summary>
    protected void MarkDirty(bool urgent = false)
    {
        Dirty = true;
        _write.Request();
        if (urgent && _urgentPublish is null && State.Definition?.ParentId is not null)
        {
            _urgentPublish = this.RegisterGrainTimer(PublishUrgentAsync, new GrainTimerCreationOptions(options.Value.UrgentDelay, Timeout.InfiniteTimeSpan));
        }
    }

    private Task PublishUrgentAsync()
    {
        _urgentPublish?.Dispose();
        _urgentPublish = null;
        return PublishAsync();
    }

    private NodeSummary Current()
    {
        var now = clock.GetUtcNow();
        if (_current is null || Dirty || ExpiredSince(_current.AsOf, now))
        {
            State.SummaryVersion = Versions.Next(State.SummaryVersion, clock);
            _current = Compute(State.Definition!, now, State.SummaryVersion);
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
        _publishTimer ??= this.RegisterGrainTimer(PublishAsync, new GrainTimerCreationOptions(options.Value.PublishInterval, options.Value.PublishInterval));
        _historyTimer ??= this.RegisterGrainTimer(() =>
        {
            _history.Sample(clock.GetUtcNow(), NodeSeries.Of(Current()));
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(TimeSpan.Zero, AggregateHistory.FineStep));
    }

    private Task PublishAsync()
    {
        if (State.Definition is not { ParentId: { } parentId } definition)
        {
            return Task.CompletedTask; // the province: nothing above it
        }
        var summary = Current();
        if (!SummaryBuilder.SameContent(summary, _published))
        {
            _ = Parent(definition.Kind, parentId).ReportChild(summary); // one-way
            _published = summary;
        }
        return Task.CompletedTask;
    }

    private IRegionGrain Parent(NodeKind kind, string parentId) => kind switch
    {
        NodeKind.District => GrainFactory.ByKey<ICityGrain>(parentId),
        NodeKind.City => GrainFactory.ByKey<IClusterGrain>(parentId),
        NodeKind.Cluster => GrainFactory.ByKey<IProvinceGrain>(parentId),
        _ => throw new InvalidOperationException($"A {kind} has no parent."),
    };
}
