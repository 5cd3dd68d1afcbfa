using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NetTopologySuite.Features;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Gateway.Geo;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;
using ApiJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace UrbanTwin.Gateway.Nodes;

public static class NodesApi
{
    public static RouteGroupBuilder MapNodesApi(this RouteGroupBuilder api)
    {
        var nodes = api.MapGroup("/nodes").WithTags("Nodes");
        nodes.MapGet("/", ListNodes).ProducesGeoJson("a FeatureCollection of the nodes, each with its boundary")
            .WithSummary("The nodes the caller sees, province first; with ?contains=lng,lat only those whose boundary holds the point, innermost first "
                + "(district, city, cluster, province). ?include=boundary adds each boundary; Accept: application/geo+json answers a FeatureCollection.");
        nodes.MapGet("/{id}", GetNode).ProducesGeoJson("a Feature with the node's boundary")
            .WithSummary("A province, cluster, city or district: summary, indicators, counts, alarms; ETag (If-None-Match: 304). "
                + "?include=boundary adds its boundary; Accept: application/geo+json answers a Feature.")
            .Produces(StatusCodes.Status304NotModified);
        nodes.MapGet("/{id}/children", GetChildren).ProducesGeoJson("a FeatureCollection of the children, each with its boundary")
            .WithSummary("The summaries of a node's child nodes (the drill-down). ?include=boundary adds their boundaries; Accept: application/geo+json answers a FeatureCollection.");
        return api;
    }

    /// <summary>A node's summary, through the last-seen cache.</summary>
    public static Task<ReadResult<NodeSummary?>> ReadSummaryAsync(LastSeenReads reads, IGrainFactory grains, NodeDefinition node, CancellationToken ct) =>
        reads.GetAsync("node:" + node.Id, () => NodeGrains.Get(grains, node.Kind, node.Id).GetSummary(), ct);

    /// <summary>A node's children's summaries, through the last-seen cache: the read path of the children and rankings endpoints.</summary>
    public static Task<ReadResult<NodeSummary[]>> ReadChildrenAsync(LastSeenReads reads, IGrainFactory grains, NodeDefinition node, CancellationToken ct) =>
        reads.GetAsync("children:" + node.Id, () => NodeGrains.Get(grains, node.Kind, node.Id).GetChildren(), ct);

    private static async Task<Results<Ok<NodeListView>, ValidationProblem, ContentHttpResult>> ListNodes(string? contains, string? include, Caller caller,
        NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, HttpContext context, IOptions<ApiJsonOptions> json,
        CancellationToken ct)
    {
        if (!GeoQuery.TryInclude(include, out var withBoundary, out var badInclude))
        {
            return badInclude!;
        }
        var tree = await directory.GetAsync(ct);
        IEnumerable<NodeDefinition> candidates;
        if (contains is null)
        {
            candidates = tree.Nodes.OrderBy(n => n.Kind).ThenBy(n => n.Id, StringComparer.Ordinal);
        }
        else if (GeoQuery.TryPoint(contains, "contains", out var lng, out var lat, out var badPoint))
        {
            candidates = tree.Areas.Containing(lng, lat);
        }
        else
        {
            return badPoint!;
        }
        var nodes = candidates.Where(n => caller.Sees(tree, n.Id)).ToArray();
        var read = await Task.WhenAll(nodes.Select(n => ReadSummaryAsync(reads, grains, n, ct)));
        var freshness = Freshness.Of(read, clock.GetUtcNow()).Describe(context, clock);
        var views = nodes.Zip(read).Where(p => p.Second.Value is not null)
            .Select(p => (Node: (NodeDefinition?)p.First, View: NodeView.From(p.Second.Value!, p.First) with { Stale = p.Second.Stale })).ToArray();
        if (GeoJson.Wanted(context))
        {
            return GeoJson.Result(Collection(views, json.Value));
        }
        return TypedResults.Ok(new NodeListView([.. views.Select(v => WithBoundary(v.View, v.Node, withBoundary))], freshness.Stale, freshness.StaleAsOf));
    }

    private static async Task<Results<Ok<NodeView>, StatusCodeHttpResult, ProblemHttpResult, ValidationProblem, ContentHttpResult>> GetNode(string id, string? include,
        Caller caller, NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, HttpContext context,
        IOptions<ApiJsonOptions> json, CancellationToken ct)
    {
        if (!GeoQuery.TryInclude(include, out var withBoundary, out var badInclude))
        {
            return badInclude!;
        }
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
        var geo = GeoJson.Wanted(context);
        if (EntityTags.NotModified(context, geo ? GeoJson.ETag(summary.Version) : ApiVersion.ETag(summary.Version)))
        {
            return EntityTags.NotModifiedResult();
        }
        var view = NodeView.From(summary, node) with { Stale = freshness.Stale };
        if (geo)
        {
            return GeoJson.Result(Feature(node, view, json.Value));
        }
        return TypedResults.Ok(WithBoundary(view, node, withBoundary));
    }

    private static async Task<Results<Ok<NodeListView>, ProblemHttpResult, ValidationProblem, ContentHttpResult>> GetChildren(string id, string? include, Caller caller,
        NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, HttpContext context, IOptions<ApiJsonOptions> json,
        CancellationToken ct)
    {
        if (!GeoQuery.TryInclude(include, out var withBoundary, out var badInclude))
        {
            return badInclude!;
        }
        var tree = await directory.GetAsync(ct);
        if (!caller.TryFind(tree, id, out var node, out var problem))
        {
            return problem;
        }
        var read = await ReadChildrenAsync(reads, grains, node, ct);
        var freshness = Freshness.Of(read).Describe(context, clock);
        var views = read.Value.Select(c => (Node: tree.Find(c.Id), View: NodeView.From(c, tree.Find(c.Id)))).ToArray();
        if (GeoJson.Wanted(context))
        {
            return GeoJson.Result(Collection(views, json.Value));
        }
        return TypedResults.Ok(new NodeListView([.. views.Select(v => WithBoundary(v.View, v.Node, withBoundary))], freshness.Stale, freshness.StaleAsOf));
    }

    private static NodeView WithBoundary(NodeView view, NodeDefinition? node, bool asked) =>
        asked && node?.Boundary is { } boundary ? view with { Boundary = GeoJson.Geometry(boundary) } : view;

    /// <summary>The node as a Feature: its boundary as the geometry (its seat when it has none), its view as the properties.</summary>
    private static Feature Feature(NodeDefinition? node, NodeView view, ApiJsonOptions json) =>
        GeoJson.Feature(node?.Boundary is { } boundary ? Shapes.ToGeometry(boundary) : view.Location is { } seat ? GeoJson.Point(seat.Lng, seat.Lat) : null,
            view, json.SerializerOptions);

    private static FeatureCollection Collection(IEnumerable<(NodeDefinition? Node, NodeView View)> views, ApiJsonOptions json)
    {
        var collection = new FeatureCollection();
        foreach (var (node, view) in views)
        {
            collection.Add(Feature(node, view, json));
        }
        return collection;
    }
}
