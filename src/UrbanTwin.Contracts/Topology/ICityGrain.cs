namespace UrbanTwin.Contracts.Topology;

/// <summary>A city: its children are districts and counties.</summary>
[Alias("ut.ICityGrain")]
public interface ICityGrain : IRegionGrain;
