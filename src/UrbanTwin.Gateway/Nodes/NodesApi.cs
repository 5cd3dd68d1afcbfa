using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;

namespace UrbanTwin.Gateway.Nodes;

public static class NodesApi
{
    public static RouteGroupBuilder MapNodesApi(this RouteGroupBuilder api)
    {
        var nodes = api.MapGroup("/nodes").WithTags("Nodes");
        nodes.MapGet("/{id}", GetNode).WithSummary("A province, cluster, city or district: summary, indicators, counts, alarms.");
        nodes.MapGet("/{id}/children", GetChildren).WithSummary("The summaries of a node's child nodes (the drill-down).");
        return api;
    }

    private static async Task<Results<Ok<NodeView>, ProblemHttpResult>> GetNode(string id, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        if (tree.Find(id) is not { } node)
        {
            return Problems.NotFound("node", id);
        }
        var summary = await NodeGrains.Get(grains, node.Kind, id).GetSummary();
        return summary is null ? Problems.NotFound("node", id) : TypedResults.Ok(NodeView.From(summary, node));
    }

    private static async Task<Results<Ok<NodeListView>, ProblemHttpResult>> GetChildren(string id, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        if (tree.Find(id) is not { } node)
        {
            return Problems.NotFound("node", id);
        }
        var children = await NodeGrains.Get(grains, node.Kind, id).GetChildren();
        return TypedResults.Ok(new NodeListView([.. children.Select(c => NodeView.From(c, tree.Find(c.Id)))]));
    }
}
