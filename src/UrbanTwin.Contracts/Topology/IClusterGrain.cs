namespace UrbanTwin.Contracts.Topology;

/// <summary>An urban agglomeration (regional cluster): its children are cities.</summary>
[Alias("ut.IClusterGrain")]
public interface IClusterGrain : IRegionGrain;
