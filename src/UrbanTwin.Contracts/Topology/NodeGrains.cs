namespace UrbanTwin.Contracts.Topology;

/// <summary>Which grain interface serves a node of a given kind.</summary>
public static class NodeGrains
{
    public static INodeGrain Get(IGrainFactory grains, NodeKind kind, string id) => kind switch
    {
        NodeKind.Province => grains.ByKey<IProvinceGrain>(id),
        NodeKind.Cluster => grains.ByKey<IClusterGrain>(id),
        NodeKind.City => grains.ByKey<ICityGrain>(id),
        NodeKind.District => grains.ByKey<IDistrictGrain>(id),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
