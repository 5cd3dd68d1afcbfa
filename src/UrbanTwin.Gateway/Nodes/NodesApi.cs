using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Nodes;

public static class NodesApi
{
    public static RouteGroupBuilder MapNodesApi(this RouteGroupBuilder api)
    {
        var nodes = api.MapGroup("/nodes").WithTags("Nodes");
        nodes.MapGet("/{id}", GetNode).WithSummary("A province, cluster, city or district: summary, indicators, counts, alarms; ETag (If-None-Match: 304).")
            .Produces(StatusCodes.Status304NotModified);
        nodes.MapGet("/{id}/children", GetChildren).WithSummary("The summaries of a node's child nodes (the drill-down).");
        return api;
    }

    /// <summary>A node's summary, through the last-seen cache.</summary>
    public static Task<ReadResult<NodeSummary?>> ReadSummaryAsync(LastSeenReads reads, IGrainFactory grains, NodeDefinition node, CancellationToken ct) =>
        reads.GetAsync("node:" + node.Id, () => NodeGrains.Get(grains, node.Kind, node.Id).GetSummary(), ct);

    /// <summary>A node's children's summaries, through the last-seen cache: the read path of the children and rankings endpoints.</summary>
    public static Task<ReadResult<NodeSummary[]>> ReadChildrenAsync(LastSeenReads reads, IGrainFactory grains, NodeDefinition node, CancellationToken ct) =>
        reads.GetAsync("children:" + node.Id, () => NodeGrains.Get(grains, node.Kind, node.Id).GetChildren(), ct);

    private static async Task<Results<Ok<NodeView>, StatusCodeHttpResult, ProblemHttpResult>> GetNode(string id, Caller caller, NodeDirectory directory, IGrainFactory grains,
        LastSeenReads reads, TimeProvider clock, HttpContext context, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        if (!caller.TryFind(tree, id, out var node, out var problem))
        {
            return problem;
        }
        var read = await ReadSummaryAsync(reads, grains, node, ct);
        if (read.Value is not { } summary)
        {
            return Problems.NotFound("node", id);
        }
        var freshness = Freshness.Of(read).Describe(context, clock);
        if (EntityTags.NotModified(context, ApiVersion.ETag(summary.Version)))
        {
            return EntityTags.NotModifiedResult();
        }
        return TypedResults.Ok(NodeView.From(summary, node) with { Stale = freshness.Stale });
    }

    private static async Task<Results<Ok<NodeListView>, ProblemHttpResult>> GetChildren(string id, Caller caller, NodeDirectory directory, IGrainFactory grains,
        LastSeenReads reads, TimeProvider clock, HttpContext context, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        if (!caller.TryFind(tree, id, out var node, out var problem))
        {
            return problem;
        }
        var read = await ReadChildrenAsync(reads, grains, node, ct);
        var freshness = Freshness.Of(read).Describe(context, clock);
        return TypedResults.Ok(new NodeListView([.. read.Value.Select(c => NodeView.From(c, tree.Find(c.Id)))], freshness.Stale, freshness.StaleAsOf));
    }
}
