using UrbanTwin.Contracts.Rollup;

namespace UrbanTwin.Contracts.Topology;

/// <summary>What every level of the tree answers. Reads are one grain call: no fan-out below.</summary>
[Alias("ut.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Sets (or replaces) the node's definition and its child ids. Idempotent and durable.</summary>
    [Alias("Define")]
    Task Define(NodeDefinition definition, string[] childIds);

    /// <summary>The node's current summary, or null when the node was never defined.</summary>
    [Alias("GetSummary")]
    Task<NodeSummary?> GetSummary();

    /// <summary>The latest summaries of the node's child nodes (empty for a district).</summary>
    [Alias("GetChildren")]
    Task<NodeSummary[]> GetChildren();
}

/// <summary>A node whose children are nodes: it keeps each child's latest summary, replaced on every push.</summary>
[Alias("ut.IRegionGrain")]
public interface IRegionGrain : INodeGrain
{
    /// <summary>A child's summary; an older version than the one held is ignored.</summary>
    [Alias("ReportChild")]
    Task ReportChild(NodeSummary child);
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
    /// <summary>Replaces the asset's entry when the contribution is newer than the one held; never adds to a total.</summary>
    [Alias("Report")]
    Task Report(Assets.AssetContribution contribution);

    /// <summary>Drops the asset (it moved to another district), unless a newer contribution has arrived since.</summary>
    [Alias("Remove")]
    Task Remove(string assetId, long version);

    /// <summary>Assets of this district in id order after <see cref="Assets.AssetQuery.AfterId"/>, from the district's own index.</summary>
    [Alias("SearchAssets")]
    Task<Assets.AssetPage> SearchAssets(Assets.AssetQuery query);
}
