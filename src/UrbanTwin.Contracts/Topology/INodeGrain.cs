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

    /// <summary>
    /// The node's current summary, or null when the node was never defined. It changes no state, so it interleaves:
    /// the most frequent read is answered at once, not after the node's updates queued before it. (Marking the other
    /// reads so as well was measured and not kept: read p99 and ingest both got worse; docs/benchmarks.md.)
    /// </summary>
    [Alias("GetSummary"), AlwaysInterleave]
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
