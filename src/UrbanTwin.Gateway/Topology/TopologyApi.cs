using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Geo;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Gateway.Topology;

/// <summary>What an import did; <c>version</c> is the topology's version after it (opaque: compare, never compute).</summary>
public sealed record TopologyImportResponse(int Created, int Updated, int Unchanged, string Version);

/// <summary>The node tree in the import format, with its version (opaque, as the <c>ETag</c> carries it).</summary>
public sealed record TopologyView(string Version, TopologyNodeView[] Nodes);

/// <summary>A node in the import format; its boundary (a GeoJSON geometry) only when asked for (<c>?include=boundary</c>).</summary>
public sealed record TopologyNodeView(string Id, NodeKind Kind, string? ParentId, string? Code, string Name, string? NameZh, GeoPoint? Location,
    string[] Tags, Dictionary<string, string> Attributes, IndicatorFact[] Indicators)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Boundary { get; init; }

    public static TopologyNodeView From(NodeDefinition node, bool withBoundary) => new(node.Id, node.Kind, node.ParentId, node.Code, node.Name, node.NameZh,
        node.Location, node.Tags, node.Attributes, node.Indicators)
    {
        Boundary = withBoundary && node.Boundary is { } boundary ? GeoJson.Geometry(boundary) : null,
    };
}

public static class TopologyApi
{
    public static RouteGroupBuilder MapTopologyApi(this RouteGroupBuilder api)
    {
        var topology = api.MapGroup("/topology").WithTags("Topology");
        topology.MapPut("/", Put).Requires(Permission.Administer)
            .WithSummary("Imports nodes (upsert by id; the document may reference nodes already known). Validated whole: a bad document changes nothing.")
            .Accepts<TopologyDocument>("application/json")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithDescription("With If-Match (the ETag of GET /topology), the import is made only if the topology is still at that version; "
                + "412 with the current ETag otherwise, so two administrators cannot overwrite each other's imports unknowingly.");
        topology.MapGet("/", Get).WithSummary("The node tree in the import format (for a scoped key, the part of it in scope); ETag (If-None-Match: 304). "
                + "?include=boundary adds each node's boundary (GeoJSON), so that the answer imports back unchanged.")
            .Produces(StatusCodes.Status304NotModified);
        return api;
    }

    private static async Task<Results<Ok<TopologyImportResponse>, ValidationProblem, ProblemHttpResult>> Put(
        HttpRequest request, Caller caller, IGrainFactory grains, NodeDirectory directory, IOptions<IngestOptions> options, CancellationToken ct)
    {
        if (!ApiVersion.TryReadIfMatch(request, out var expectedVersion, out var badIfMatch))
        {
            return badIfMatch!;
        }
        if (!caller.Unscoped)
        {
            return Problems.OutOfScope(caller, "the topology as a whole (changing it needs an unscoped admin key)");
        }
        var read = await RequestBody.ReadJsonAsync<TopologyDocument>(request, options.Value.MaxBodyBytes, TopologyDocument.JsonOptions, ct);
        if (read.TooLarge is { } tooLarge)
        {
            return tooLarge;
        }
        if (read.Malformed is { } malformed)
        {
            return malformed;
        }
        var document = read.Value;
        if (document is null)
        {
            return Problems.Invalid("body", "must be a topology document: {\"nodes\": [...]}");
        }
        var errors = new List<FieldError>();
        var nodes = TopologyValidator.ToDefinitions(document, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        // A node whose document leaves its boundary out keeps the one it has: re-importing a document without
        // geometry (the reference file, a spreadsheet export) must not wipe the map.
        var tree = await directory.GetAsync(ct);
        nodes = [.. nodes.Select((node, i) => document.Nodes![i]!.BoundaryGiven || tree.Find(node.Id)?.Boundary is not { } kept ? node : node with { Boundary = kept })];
        var result = await grains.ByKey<ITopologyGrain>(ITopologyGrain.Key).Import(nodes, expectedVersion);
        if (result.VersionChanged)
        {
            return EntityTags.Changed(request.HttpContext, "The topology", ApiVersion.ETag(result.Version));
        }
        if (!result.Succeeded)
        {
            return Problems.Invalid(result.Errors);
        }
        directory.Invalidate();
        request.HttpContext.Response.Headers.ETag = ApiVersion.ETag(result.Version);
        return TypedResults.Ok(new TopologyImportResponse(result.Created, result.Updated, result.Unchanged, ApiVersion.Format(result.Version)));
    }

    private static async Task<Results<Ok<TopologyView>, StatusCodeHttpResult, ValidationProblem>> Get(string? include, Caller caller, IGrainFactory grains,
        HttpContext context, CancellationToken ct)
    {
        if (!GeoQuery.TryInclude(include, out var withBoundary, out var badInclude))
        {
            return badInclude!;
        }
        var snapshot = await grains.ByKey<ITopologyGrain>(ITopologyGrain.Key).GetSnapshot();
        var version = ApiVersion.Format(snapshot.Version);
        if (EntityTags.NotModified(context, ApiVersion.ETag(snapshot.Version)))
        {
            return EntityTags.NotModifiedResult();
        }
        if (caller.Unscoped)
        {
            return TypedResults.Ok(new TopologyView(version, [.. snapshot.Nodes.Select(n => TopologyNodeView.From(n, withBoundary))]));
        }
        var tree = new NodeDirectory.Tree(snapshot);
        return TypedResults.Ok(new TopologyView(version, [.. snapshot.Nodes.Where(n => caller.Sees(tree, n.Id)).Select(n => TopologyNodeView.From(n, withBoundary))]));
    }
}
