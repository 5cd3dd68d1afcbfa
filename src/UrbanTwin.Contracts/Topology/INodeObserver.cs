using Orleans.Concurrency;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.Rollup;

namespace UrbanTwin.Contracts.Topology;

/// <summary>
/// A live view of one node (a gateway serving its SSE clients): the node pushes what changes instead of being polled.
/// One-way both: a node never waits on a viewer, and a viewer that is gone only lapses (<see cref="INodeGrain.Watch"/>).
/// </summary>
[Alias("ut.INodeObserver")]
public interface INodeObserver : IGrainObserver
{
    /// <summary>The node's own summary, or one of its children's, changed.</summary>
    [Alias("NodeChanged"), OneWay]
    Task NodeChanged(NodeSummary summary);

    /// <summary>Events of assets under the node (alarm transitions, status changes), in the order each asset recorded them.</summary>
    [Alias("Happened"), OneWay]
    Task Happened(TwinEvent[] events);
}
