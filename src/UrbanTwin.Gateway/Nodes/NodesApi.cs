using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Security;

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

    private static async Task<Results<Ok<NodeView>, ProblemHttpResult>> GetNode(string id, Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        if (!caller.TryFind(tree, id, out var node, out var problem))
        {
            return problem;
        }
        var summary = await NodeGrains.Get(grains, node.Kind, id).GetSummary();
        return summary is null ? Problems.NotFound("node", id) : TypedResults.Ok(NodeView.From(summary, node));
    }

    private static async Task<Results<Ok<NodeListView>, ProblemHttpResult>> GetChildren(string id, Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        if (!caller.TryFind(tree, id, out var node, out var problem))
        {
            return problem;
        }
        var children = await NodeGrains.Get(grains, node.Kind, id).GetChildren();
        return TypedResults.Ok(new NodeListView([.. children.Select(c => NodeView.From(c, tree.Find(c.Id)))]));
    }
}
