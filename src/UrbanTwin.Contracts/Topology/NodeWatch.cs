using UrbanTwin.Contracts.Rollup;

namespace UrbanTwin.Contracts.Topology;

/// <summary>
/// The answer to <see cref="INodeGrain.Watch"/>: the node's summary now, and whether this activation already had the
/// viewer. False on a renewal means pushes were lost meanwhile (the node moved or restarted): catch up.
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.NodeWatch")]
public sealed record NodeWatch([property: Id(0)] NodeSummary? Summary, [property: Id(1)] bool WasWatching);
