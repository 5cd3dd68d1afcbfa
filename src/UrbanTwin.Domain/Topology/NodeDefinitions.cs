using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Domain.Topology;

/// <summary>Structural equality of node definitions (records compare their arrays by reference).</summary>
public static class NodeDefinitions
{
    public static bool Same(NodeDefinition a, NodeDefinition b) =>
        a.Id == b.Id && a.Kind == b.Kind && a.ParentId == b.ParentId && a.Code == b.Code && a.Name == b.Name
        && a.NameZh == b.NameZh && a.Location == b.Location && a.Tags.SequenceEqual(b.Tags)
        && a.Attributes.Count == b.Attributes.Count && a.Attributes.All(kv => b.Attributes.TryGetValue(kv.Key, out var v) && v == kv.Value)
        && a.Indicators.SequenceEqual(b.Indicators)
        && (a.Boundary is null ? b.Boundary is null : a.Boundary.SameAs(b.Boundary));
}
