using Orleans.Concurrency;
using UrbanTwin.Contracts.Rollup;

namespace UrbanTwin.Contracts.Topology;

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
