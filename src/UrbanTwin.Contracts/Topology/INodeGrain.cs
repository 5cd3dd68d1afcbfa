using Orleans.Concurrency;
using UrbanTwin.Contracts.Rollup;

namespace UrbanTwin.Contracts.Topology;

/// <summary>What every level of the tree answers. Reads are one grain call: no fan-out below.</summary>
[Alias("ut.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Sets (or replaces) the node's definition and its child ids. Idempotent and durable.</summary>
    [Alias("Define")]
    Task Define(NodeDefinition definition, string[] childIds);

    /// <summary>The node's current summary, or null when the node was never defined. A read: it changes nothing.</summary>
    [Alias("GetSummary")]
    Task<NodeSummary?> GetSummary();

    /// <summary>The latest summaries of the node's child nodes (empty for a district).</summary>
    [Alias("GetChildren")]
    Task<NodeSummary[]> GetChildren();

    /// <summary>
    /// Pushes the node's summary to its parent again. A parent calls it on its children when it activates, so a
    /// roll-up whose write-behind was lost in a crash heals by itself. One-way: the parent must not wait on a child
    /// that may itself be waiting on the parent.
    /// </summary>
    [Alias("Refresh"), OneWay]
    Task Refresh();

    /// <summary>
    /// One aggregate (see NodeSeries) between two times: 10 s samples (last hour) when <paramref name="step"/> is
    /// 10 s or less, else means per minute (last 24 h). Kept in memory: a node that moves starts again.
    /// </summary>
    [Alias("GetHistory")]
    Task<History.HistoryPoint[]> GetHistory(string series, DateTimeOffset from, DateTimeOffset to, TimeSpan step);

    /// <summary>
    /// Starts or renews pushes to <paramref name="observer"/>: this node's summary and its children's when they
    /// change, and the events of assets under it. A viewer not renewed within the node's watch lease
    /// (<c>Rollup:WatchLease</c>) is dropped; renewing is the only call an idle live view makes.
    /// </summary>
    [Alias("Watch")]
    Task<NodeWatch> Watch(INodeObserver observer);

    /// <summary>Stops pushes to <paramref name="observer"/>.</summary>
    [Alias("Unwatch")]
    Task Unwatch(INodeObserver observer);
}

/// <summary>A node whose children are nodes: it keeps each child's latest summary, replaced on every push.</summary>
[Alias("ut.IRegionGrain")]
public interface IRegionGrain : INodeGrain
{
    /// <summary>
    /// A child's summary; an older version than the one held is ignored. One-way: a child never waits on its
    /// parent (whose silo may have just died); a lost push is healed by the next one or the parent's activation.
    /// </summary>
    [Alias("ReportChild"), OneWay]
    Task ReportChild(NodeSummary child);

    /// <summary>Events of assets under a child, passed on at once to this node's viewers and up to its parent. One-way.</summary>
    [Alias("ReportEvents"), OneWay]
    Task ReportEvents(Events.TwinEvent[] events);
}

[Alias("ut.IProvinceGrain")]
public interface IProvinceGrain : IRegionGrain;

[Alias("ut.IClusterGrain")]
public interface IClusterGrain : IRegionGrain;

[Alias("ut.ICityGrain")]
public interface ICityGrain : IRegionGrain;

/// <summary>The lowest node: it keeps each asset's latest contribution keyed by asset id and version.</summary>
[Alias("ut.IDistrictGrain")]
public interface IDistrictGrain : INodeGrain
{
    /// <summary>
    /// Replaces the asset's entry when the contribution is newer than the one held; never adds to a total. It
    /// interleaves: registrations waiting for the district's write-through share one write instead of queueing one each.
    /// <paramref name="events"/>, what the asset recorded with this change, go on at once to the live viewers of this
    /// district and of every node above it (<see cref="IRegionGrain.ReportEvents"/>).
    /// </summary>
    [Alias("Report"), AlwaysInterleave]
    Task Report(Assets.AssetContribution contribution, Events.TwinEvent[]? events = null);

    /// <summary>
    /// <see cref="Report"/> without waiting: readings never wait on the roll-up, and an asset is never held up by a
    /// district whose silo just died. A lost update is healed by the next one, or by the district's activation.
    /// </summary>
    [Alias("Update"), OneWay]
    Task Update(Assets.AssetContribution contribution, Events.TwinEvent[]? events = null);

    /// <summary>Drops the asset (it moved to another district), unless a newer contribution has arrived since.</summary>
    [Alias("Remove")]
    Task Remove(string assetId, long version);

    /// <summary>Assets of this district in id order after <see cref="Assets.AssetQuery.AfterId"/>, from the district's own index.</summary>
    [Alias("SearchAssets")]
    Task<Assets.AssetPage> SearchAssets(Assets.AssetQuery query);

    /// <summary>This district's alarms (open, and cleared within the retention), newest first, filtered.</summary>
    [Alias("SearchAlarms")]
    Task<Alarms.AlarmRecord[]> SearchAlarms(Alarms.AlarmQuery query);
}
