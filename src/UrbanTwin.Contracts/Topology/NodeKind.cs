namespace UrbanTwin.Contracts.Topology;

/// <summary>The levels of the administrative tree, top down. A node's parent is always one level up.</summary>
[GenerateSerializer]
public enum NodeKind
{
    Province = 0,
    Cluster = 1,
    City = 2,
    District = 3,
}
