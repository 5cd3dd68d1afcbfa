using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Storage;
using UrbanTwin.Domain.Rollup;

namespace UrbanTwin.Grains.Rollup;

[GenerateSerializer, Alias("ut.RegionState")]
public sealed class RegionState : AggregateState
{
    [Id(0)] public string[] ChildIds { get; set; } = [];
    /// <summary>Each child's latest summary, keyed by child id: replaced on every push.</summary>
    [Id(1)] public Dictionary<string, NodeSummary> Children { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A node whose children are nodes: city, cluster or province.</summary>
public abstract class RegionGrain(
    IPersistentState<RegionState> store, LiveStore statusStore, TimeProvider clock, IOptions<RollupOptions> options, IOptions<StorageOptions> storage,
    SiloMetrics metrics, ILogger logger)
    : AggregateGrain<RegionState>(store, statusStore, clock, options, storage, metrics, logger), IRegionGrain
{
    public Task ReportChild(NodeSummary child)
    {
        if (!State.ChildIds.Contains(child.Id))
        {
            return Task.CompletedTask; // not (or no longer) a child of this node
        }
        if (State.Children.TryGetValue(child.Id, out var held) && held.Version >= child.Version)
        {
            return Task.CompletedTask;
        }
        State.Children[child.Id] = child;
        MarkDirty(urgent: held is null || held.ActiveAlarms != child.ActiveAlarms || !SameStatusCounts(held.Assets, child.Assets), cacheOnly: held is not null);
        OnChildReported(child, held);
        PushToWatchers(o => o.NodeChanged(child));
        return Task.CompletedTask;
    }

    public Task ReportEvents(TwinEvent[] events)
    {
        PassOn(events);
        return Task.CompletedTask;
    }

    private static bool SameStatusCounts(AssetCounts a, AssetCounts b) =>
        (a.Total, a.Normal, a.Warning, a.Alarm, a.Offline) == (b.Total, b.Normal, b.Warning, b.Alarm, b.Offline);

    /// <summary>A child's newer summary was taken in.</summary>
    protected virtual void OnChildReported(NodeSummary child, NodeSummary? previous)
    {
    }

    public override async Task<NodeSummary[]> GetChildren()
    {
        var summaries = new NodeSummary[State.ChildIds.Length];
        var missing = new List<Task>();
        for (var i = 0; i < summaries.Length; i++)
        {
            if (State.Children.TryGetValue(State.ChildIds[i], out var child))
            {
                summaries[i] = child;
            }
            else
            {
                var index = i;
                missing.Add(FetchAsync(index));
            }
        }
        await Task.WhenAll(missing);
        return [.. summaries.Where(s => s is not null)];

        // A child that has not pushed yet (just defined): ask it once; its pushes keep it current from then on.
        async Task FetchAsync(int index)
        {
            var id = State.ChildIds[index];
            var childKind = (NodeKind)((int)State.Definition!.Kind + 1);
            if (await NodeGrains.Get(GrainFactory, childKind, id).GetSummary() is { } summary)
            {
                summaries[index] = summary;
            }
        }
    }

    protected override Task RefreshChildrenAsync()
    {
        var childKind = (NodeKind)((int)State.Definition!.Kind + 1);
        return Task.WhenAll(State.ChildIds.Select(id => NodeGrains.Get(GrainFactory, childKind, id).Refresh()));
    }

    protected override void OnDefined(string[] childIds)
    {
        State.ChildIds = childIds;
        foreach (var gone in State.Children.Keys.Where(id => !childIds.Contains(id)).ToList())
        {
            State.Children.Remove(gone);
        }
    }

    protected override NodeSummary Compute(NodeDefinition definition, DateTimeOffset now, long version) =>
        SummaryBuilder.ForRegion(definition, State.ChildIds, State.Children, now, version);
}

public sealed class CityGrain(
    [PersistentState("city", StorageNames.Default)] IPersistentState<RegionState> store, LiveStore statusStore,
    TimeProvider clock, IOptions<RollupOptions> options, IOptions<StorageOptions> storage, SiloMetrics metrics, ILogger<CityGrain> logger)
    : RegionGrain(store, statusStore, clock, options, storage, metrics, logger), ICityGrain;

public sealed class ClusterGrain(
    [PersistentState("cluster", StorageNames.Default)] IPersistentState<RegionState> store, LiveStore statusStore,
    TimeProvider clock, IOptions<RollupOptions> options, IOptions<StorageOptions> storage, SiloMetrics metrics, ILogger<ClusterGrain> logger)
    : RegionGrain(store, statusStore, clock, options, storage, metrics, logger), IClusterGrain;

/// <summary>The root; it also reports the province-wide metrics (alarms by level, roll-up lag) from its process.</summary>
public sealed class ProvinceGrain(
    [PersistentState("province", StorageNames.Default)] IPersistentState<RegionState> store, LiveStore statusStore,
    TimeProvider clock, IOptions<RollupOptions> options, IOptions<StorageOptions> storage, SiloMetrics metrics, ILogger<ProvinceGrain> logger)
    : RegionGrain(store, statusStore, clock, options, storage, metrics, logger), IProvinceGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        ReportAlarms();
    }

    protected override void OnChildReported(NodeSummary child, NodeSummary? previous)
    {
        // Lag of the newest change below this child: from its district taking it in to here (clocks of different
        // silos, kept in step by the hosts' time sync).
        if (child.ChangedAt != default && child.ChangedAt > (previous?.ChangedAt ?? default))
        {
            Metrics.RollupLag.Record(Math.Max(0, (Clock.GetUtcNow() - child.ChangedAt).TotalSeconds));
        }
        ReportAlarms();
    }

    protected override void OnDeactivating() => Metrics.SetProvinceAlarms(null);

    private void ReportAlarms() => Metrics.SetProvinceAlarms(new AlarmCounts(
        State.Children.Values.Sum(c => c.ActiveAlarms.Warning), State.Children.Values.Sum(c => c.ActiveAlarms.Alarm)));
}
