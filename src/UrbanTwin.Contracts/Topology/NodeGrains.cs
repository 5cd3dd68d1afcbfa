namespace UrbanTwin.Contracts.Topology;

/// <summary>Which grain interface serves a node of a given kind.</summary>
public static class NodeGrains
{
    public static INodeGrain Get(IGrainFactory grains, NodeKind kind, string id) => kind switch
    {
        NodeKind.Province => grains.GetGrain<IProvinceGrain>(id),
        NodeKind.Cluster => grains.GetGrain<IClusterGrain>(id),
        NodeKind.City => grains.GetGrain<ICityGrain>(id),
        NodeKind.District => grains.GetGrain<IDistrictGrain>(id),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
