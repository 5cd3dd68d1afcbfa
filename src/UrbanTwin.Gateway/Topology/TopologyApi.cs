using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Grains.Topology;

namespace UrbanTwin.Gateway.Topology;

public sealed record TopologyImportResponse(int Created, int Updated, int Unchanged, long Version);

public static class TopologyApi
{
    public static RouteGroupBuilder MapTopologyApi(this RouteGroupBuilder api)
    {
        var topology = api.MapGroup("/topology").WithTags("Topology");
        topology.MapPut("/", Put).Requires(Permission.Administer)
            .WithSummary("Imports nodes (upsert by id; the document may reference nodes already known). Validated whole: a bad document changes nothing.")
            .Accepts<TopologyDocument>("application/json");
        topology.MapGet("/", Get).WithSummary("The node tree in the import format (for a scoped key, the part of it in scope).");
        return api;
    }

    private static async Task<Results<Ok<TopologyImportResponse>, ValidationProblem, ProblemHttpResult>> Put(
        HttpRequest request, Caller caller, IGrainFactory grains, NodeDirectory directory, IOptions<IngestOptions> options, CancellationToken ct)
    {
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
        var result = await grains.ByKey<ITopologyGrain>(ITopologyGrain.Key).Import(nodes);
        if (!result.Succeeded)
        {
            return Problems.Invalid(result.Errors);
        }
        directory.Invalidate();
        return TypedResults.Ok(new TopologyImportResponse(result.Created, result.Updated, result.Unchanged, result.Version));
    }

    private static async Task<Ok<TopologySnapshot>> Get(Caller caller, IGrainFactory grains, NodeDirectory directory, CancellationToken ct)
    {
        var snapshot = await grains.ByKey<ITopologyGrain>(ITopologyGrain.Key).GetSnapshot();
        if (caller.Unscoped)
        {
            return TypedResults.Ok(snapshot);
        }
        var tree = new NodeDirectory.Tree(snapshot);
        return TypedResults.Ok(snapshot with { Nodes = [.. snapshot.Nodes.Where(n => caller.Sees(tree, n.Id))] });
    }
}
