using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Domain.Topology;

/// <summary>What lies under a node of a flat node list.</summary>
public static class Subtree
{
    /// <summary>The ids of the districts at or below <paramref name="nodeId"/> (empty when there is no such node).</summary>
    public static HashSet<string> DistrictsUnder(IReadOnlyCollection<NodeDefinition> nodes, string nodeId) =>
        [.. At(nodes, nodeId).Where(n => n.Kind == NodeKind.District).Select(n => n.Id)];

    /// <summary>The ids of the nodes at or below <paramref name="nodeId"/>, itself included (empty when there is no such node).</summary>
    public static HashSet<string> NodesUnder(IReadOnlyCollection<NodeDefinition> nodes, string nodeId) =>
        [.. At(nodes, nodeId).Select(n => n.Id)];

    private static IEnumerable<NodeDefinition> At(IReadOnlyCollection<NodeDefinition> nodes, string nodeId)
    {
        var children = nodes.Where(n => n.ParentId is not null).ToLookup(n => n.ParentId!, StringComparer.Ordinal);
        var pending = new Stack<NodeDefinition>(nodes.Where(n => n.Id == nodeId));
        while (pending.TryPop(out var node))
        {
            yield return node;
            foreach (var child in children[node.Id])
            {
                pending.Push(child);
            }
        }
    }
}
