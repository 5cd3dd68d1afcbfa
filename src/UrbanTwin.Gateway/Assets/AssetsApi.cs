using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Geo;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Gateway.Assets;

public static class AssetsApi
{
    public static RouteGroupBuilder MapAssetsApi(this RouteGroupBuilder api)
    {
        var assets = api.MapGroup("/assets").WithTags("Assets");
        assets.MapGet("/{id}", GetAsset).WithSummary("One asset: readings, thresholds, status; its ETag is its version (If-None-Match: 304). "
                + "Accept: application/geo+json answers a point Feature.")
            .Produces(StatusCodes.Status304NotModified).ProducesGeoJson("a point Feature of the asset");
        assets.MapGet("/", Search).ProducesGeoJson("a FeatureCollection of the page's assets as points")
            .WithSummary("A paged search of assets under any node, by kind and status; by place with near=lng,lat&radius=metres (nearest first, "
                + "each with distanceM) or bbox=minLng,minLat,maxLng,maxLat. Accept: application/geo+json answers a FeatureCollection.");
        assets.MapPost("/search", AssetGeoSearch.SearchAsync).WithSummary("Assets within (or intersecting) a GeoJSON Polygon or MultiPolygon, "
                + "by kind and status, paged. Accept: application/geo+json answers a FeatureCollection.")
            .Accepts<AssetSearchDocument>("application/json").ProducesGeoJson("a FeatureCollection of the page's assets as points");
        assets.MapPost("/", Register).Requires(Permission.Write).WithSummary("Registers or updates assets in bulk (a JSON array); idempotent; per-item answers.")
            .Accepts<AssetDocument[]>("application/json")
            .Produces<RegistrationResponse>(StatusCodes.Status207MultiStatus)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        assets.MapDelete("/{id}", Delete).Requires(Permission.Write)
            .WithSummary("Deletes an asset: its open alarms clear, its district lets it go, and the id answers 404 until registered again.");
        return api;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, Caller caller, NodeDirectory directory, IGrainFactory grains,
        CancellationToken ct)
    {
        if (!Identifiers.IsValidAssetId(id))
        {
            return Problems.NotFound("asset", id);
        }
        var scope = await caller.WriteScopeAsync(directory, ct);
        return await grains.ByKey<IAssetGrain>(id).Delete(scope) switch
        {
            DeleteOutcome.Deleted => TypedResults.NoContent(),
            DeleteOutcome.OutOfScope => Problems.OutOfScope(caller, $"asset '{id}'"),
            _ => Problems.NotFound("asset", id),
        };
    }

    private static async Task<Results<Ok<AssetView>, StatusCodeHttpResult, ProblemHttpResult, ContentHttpResult>> GetAsset(string id, Caller caller,
        NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, HttpContext context,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        if (await FindAsync(id, caller, directory, grains, reads, ct) is not { } found)
        {
            return Problems.NotFound("asset", id);
        }
        if (found.Problem is { } problem)
        {
            return problem;
        }
        var freshness = Freshness.Of(found.Read).Describe(context, clock);
        var geo = GeoJson.Wanted(context);
        var version = found.Read.Value!.Version;
        if (EntityTags.NotModified(context, geo ? GeoJson.ETag(version) : ApiVersion.ETag(version)))
        {
            return EntityTags.NotModifiedResult();
        }
        var view = AssetView.From(found.Read.Value!) with { AsOf = freshness.StaleAsOf, Stale = freshness.Stale };
        return geo
            ? GeoJson.Result(GeoJson.Feature(GeoJson.Point(view.Location.Lng, view.Location.Lat), view, json.Value.SerializerOptions))
            : TypedResults.Ok(view);
    }

    /// <summary>
    /// The asset (through the last-seen cache), or null when there is none; with a 403 to answer instead when it is
    /// outside the caller's scope.
    /// </summary>
    internal static async Task<(ReadResult<AssetSnapshot?> Read, ProblemHttpResult? Problem)?> FindAsync(string id, Caller caller, NodeDirectory directory,
        IGrainFactory grains, LastSeenReads reads, CancellationToken ct)
    {
        if (!Identifiers.IsValidAssetId(id))
        {
            return null;
        }
        var read = await reads.GetAsync("asset:" + id, () => grains.ByKey<IAssetGrain>(id).Get(), ct);
        if (read.Value is not { } snapshot)
        {
            return null;
        }
        return caller.Sees(await directory.GetAsync(ct), snapshot.Definition.NodeId)
            ? (read, null)
            : (read, Problems.OutOfScope(caller, $"asset '{id}' (in '{snapshot.Definition.NodeId}')"));
    }

    private static async Task<Results<Ok<AssetPageView>, ProblemHttpResult, ValidationProblem, ContentHttpResult>> Search(
        string? node, string? kind, string? status, string? limit, string? cursor, string? near, string? radius, string? bbox,
        Caller caller, NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, HttpContext context,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        if (!AssetFilter.TryParse(kind, status, limit, out var filter, out var badFilter))
        {
            return badFilter!;
        }
        if (!caller.TryDistricts(tree, node, out var districts, out var problem))
        {
            return problem;
        }
        if (!AssetGeoSearch.TryParse(near, radius, bbox, out var place, out var badPlace))
        {
            return badPlace!;
        }
        var page = place switch
        {
            null => await ByIdAsync(districts, filter, cursor, grains, reads, clock, ct),
            { Near: { } centre } => await AssetGeoSearch.NearAsync(tree, districts, centre, filter, cursor, grains, reads, clock, ct),
            { Area: { } area } => await AssetGeoSearch.InAreaAsync(tree, districts, area, includeEdge: true, filter, cursor, grains, reads, clock, ct),
            _ => throw new InvalidOperationException("a place is near a point or in an area"),
        };
        return page.Answer(context, clock, json.Value);
    }

    /// <summary>The districts in id order, each's assets in id order: the search without a place.</summary>
    private static Task<AssetSearchPage> ByIdAsync(List<string> districts, AssetFilter filter, string? cursor, IGrainFactory grains, LastSeenReads reads,
        TimeProvider clock, CancellationToken ct) =>
        DistrictPages.ReadAsync(districts, cursor, filter.Limit, clock, (district, afterId, limit) =>
        {
            var query = new AssetQuery(filter.Kind, filter.Status, afterId, limit);
            return reads.GetAsync($"assets:{district}:{query}", () => grains.ByKey<IDistrictGrain>(district).SearchAssets(query), ct);
        });

    private static async Task<Results<Ok<RegistrationResponse>, JsonHttpResult<RegistrationResponse>, ValidationProblem, ProblemHttpResult>> Register(
        HttpRequest request, Caller caller, NodeDirectory directory, IGrainFactory grains, IOptions<IngestOptions> options, IOptions<GeoOptions> geo,
        CancellationToken ct)
    {
        var limits = options.Value;
        var read = await RequestBody.ReadJsonAsync<List<AssetDocument?>>(request, limits.MaxBodyBytes, ApiJson.Strict, ct);
        if (read.TooLarge is { } tooLarge)
        {
            return tooLarge;
        }
        if (read.Malformed is { } malformed)
        {
            return malformed;
        }
        var documents = read.Value;
        if (documents is null or { Count: 0 })
        {
            return Problems.Invalid("body", "must be a non-empty JSON array of assets");
        }
        if (documents.Count > limits.MaxItemsPerBatch)
        {
            return Problems.TooLarge($"{documents.Count} assets in one request; the limit is {limits.MaxItemsPerBatch}");
        }

        var tree = await directory.GetAsync(ct);
        var rejected = new List<RegistrationRejection>();
        var warnings = new List<RegistrationWarning>();
        var valid = new List<(int Index, AssetDefinition Definition)>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            if (documents[i] is not { } document)
            {
                rejected.Add(new RegistrationRejection(i, null, "invalid", $"[{i}]", "must be an object"));
                continue;
            }
            var errors = new List<FieldError>();
            var definition = AssetDocumentValidator.Validate(document, tree, errors);
            if (definition is null)
            {
                rejected.AddRange(errors.Select(e => new RegistrationRejection(i, document.Id, "invalid", $"[{i}].{e.Field}", e.Message)));
            }
            else if (!caller.Sees(tree, definition.NodeId))
            {
                rejected.Add(new RegistrationRejection(i, document.Id, RejectionReasons.OutOfScope, $"[{i}].nodeId",
                    $"'{definition.NodeId}' is outside the scope of key '{caller.Name}' ({caller.DescribeScope()})"));
            }
            else if (!ids.Add(definition.Id))
            {
                rejected.Add(new RegistrationRejection(i, document.Id, "duplicate-id", $"[{i}].id", $"'{definition.Id}' appears earlier in this request"));
            }
            else if (PlaceCheck(tree, definition, i, geo.Value) is var (outside, warning) && outside is not null)
            {
                rejected.Add(outside);
            }
            else
            {
                if (warning is not null)
                {
                    warnings.Add(warning);
                }
                valid.Add((i, definition));
            }
        }

        var outcomes = new RegistrationOutcome[valid.Count];
        var scope = caller.WriteScope(tree);
        // District by district: a district writes its membership through for every new asset, and the registrations
        // in flight together share one write. Taken in request order, 64 in flight would fall in 64 districts.
        var byDistrict = Enumerable.Range(0, valid.Count).OrderBy(k => valid[k].Definition.NodeId, StringComparer.Ordinal);
        await Parallel.ForEachAsync(byDistrict, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct },
            async (k, _) => outcomes[k] = await grains.ByKey<IAssetGrain>(valid[k].Definition.Id).Register(valid[k].Definition, scope));
        // An asset already registered in a district outside the key's scope stays where it is.
        for (var k = 0; k < valid.Count; k++)
        {
            if (outcomes[k] == RegistrationOutcome.OutOfScope)
            {
                var (index, definition) = valid[k];
                rejected.Add(new RegistrationRejection(index, definition.Id, RejectionReasons.OutOfScope, $"[{index}].id",
                    $"'{definition.Id}' is registered outside the scope of key '{caller.Name}' and cannot be changed or moved with it"));
            }
        }

        if (valid.Count == 0 || outcomes.All(o => o == RegistrationOutcome.OutOfScope))
        {
            var first = rejected.OrderBy(r => r.Index).First();
            return Problems.NoneAccepted(documents.Count, first.Field, first.Reason, first.Detail, [.. rejected.OrderBy(r => r.Index)]);
        }
        var response = new RegistrationResponse(
            outcomes.Count(o => o == RegistrationOutcome.Created), outcomes.Count(o => o == RegistrationOutcome.Updated),
            outcomes.Count(o => o == RegistrationOutcome.Unchanged), [.. rejected.OrderBy(r => r.Index)]) { Warnings = [.. warnings] };
        return rejected.Count == 0 ? TypedResults.Ok(response) : TypedResults.Json(response, statusCode: StatusCodes.Status207MultiStatus);
    }

    /// <summary>
    /// Whether the asset at <paramref name="index"/> lies within <see cref="GeoOptions.DistrictToleranceM"/> of its
    /// district's boundary; when not, its refusal (<see cref="OutsideDistrict.Refuse"/>) or its warning (<see cref="OutsideDistrict.Warn"/>).
    /// </summary>
    internal static (RegistrationRejection? Rejection, RegistrationWarning? Warning) PlaceCheck(NodeDirectory.Tree tree, AssetDefinition asset, int index, GeoOptions geo)
    {
        if (tree.Areas.MetresOutside(asset.NodeId, asset.Location.Lng, asset.Location.Lat) is not { } metres || metres <= geo.DistrictToleranceM)
        {
            return (null, null);
        }
        var detail = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"({asset.Location.Lng}, {asset.Location.Lat}) lies {metres:N0} m outside the boundary of {asset.NodeId} (tolerance {geo.DistrictToleranceM:N0} m, Geo:DistrictToleranceM)");
        return geo.OutsideDistrict == OutsideDistrict.Refuse
            ? (new RegistrationRejection(index, asset.Id, RejectionReasons.OutsideDistrict, $"[{index}].location", detail), null)
            : (null, new RegistrationWarning(index, asset.Id, $"[{index}].location", detail));
    }
}
