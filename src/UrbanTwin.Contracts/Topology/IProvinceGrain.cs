namespace UrbanTwin.Contracts.Topology;

/// <summary>The root of the tree: its children are the clusters.</summary>
[Alias("ut.IProvinceGrain")]
public interface IProvinceGrain : IRegionGrain;
