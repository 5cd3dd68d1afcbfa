using System.Text.Json.Nodes;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Entities;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Gateway.Assets;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.NgsiLd.Entities;

/// <summary>
/// <c>GET /ngsi-ld/v1/entities/{entityId}</c> (ETSI GS CIM 009 clause 6.5.3.1, Retrieve Entity): an asset or a node as
/// an NGSI-LD entity, normalized or simplified (<c>options=keyValues</c>), only the attributes of <c>attrs</c> when given,
/// names compacted with the request's context, as JSON, JSON-LD or a GeoJSON Feature.
/// </summary>
public static class EntitiesApi
{
    public static RouteGroupBuilder MapNgsiLdEntities(this RouteGroupBuilder ngsi)
    {
        ngsi.MapGet("/entities/{entityId}", RetrieveAsync).ExcludeFromDescription();
        return ngsi;
    }

    private static async Task<IResult> RetrieveAsync(string entityId, HttpContext http, Caller caller, NodeDirectory directory, IGrainFactory grains,
        LastSeenReads reads, ContextResolver contexts, TimeProvider clock, CancellationToken ct)
    {
        var request = await NgsiLdRequest.ReadAsync(http, contexts, ct);
        var query = http.Request.Query;
        NgsiLdQuery.RefuseUnknown(query, "attrs", "options", "type");
        var (keyValues, _) = NgsiLdQuery.Options(query["options"]);
        var attrs = NgsiLdQuery.Attrs(query["attrs"], request.Context);
        if (!Uri.TryCreate(entityId, UriKind.Absolute, out _))
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData($"entityId: '{entityId}' is not a URI"));
        }
        var entity = await FindAsync(entityId, caller, directory, grains, reads, clock, ct)
            ?? throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{entityId}: no such entity"));
        if (query["type"] is { Count: > 0 } type && request.Context.Expand(type.ToString()) != entity.TypeIri)
        {
            throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{entityId}: no such entity of type {type}"));
        }
        var body = entity.Render(request.Context, keyValues, attrs, request.BodyContext);
        return request.Answer(request.IsGeoJson ? Feature(body, keyValues) : body);
    }

    /// <summary>The entity the id names, when the caller may see it: an asset of the id's type, or a node. Null otherwise.</summary>
    internal static async Task<NgsiEntity?> FindAsync(string entityId, Caller caller, NodeDirectory directory, IGrainFactory grains, LastSeenReads reads,
        TimeProvider clock, CancellationToken ct)
    {
        if (!AssetEntityTypes.IsTwinForm(entityId))
        {
            // Not the form of an asset's or a node's id: an entity stored as written, visible to every reader.
            var stored = await reads.GetAsync("entity:" + entityId, () => grains.ByKey<IEntityGrain>(entityId).Get(), ct);
            return stored.Value is { } held ? NgsiEntity.FromStored(held) : null;
        }
        var (type, key) = EntityTypes.Parse(entityId)!.Value;
        if (type == EntityTypes.AdministrativeArea)
        {
            var tree = await directory.GetAsync(ct);
            if (tree.Find(key) is not { } node || !caller.Sees(tree, node.Id))
            {
                return null;
            }
            var summary = await NodesApi.ReadSummaryAsync(reads, grains, node, ct);
            return NgsiEntity.FromNode(node, summary.Value, tree.ChildrenOf(node.Id));
        }
        var kind = EntityTypes.KindOf(type)!;
        var found = await AssetsApi.FindAsync(key, caller, directory, grains, reads, ct);
        // No such asset, one outside the caller's scope (as for a tenant: not there), or an asset of another type.
        return found is { Problem: null } && found.Value.Read.Value is { } asset && asset.Definition.Kind == kind
            ? NgsiEntity.FromAsset(asset, clock.GetUtcNow())
            : null;
    }

    /// <summary>The entity as a GeoJSON Feature (clause 4.5.17): its <c>location</c> as the geometry, every other member a property.</summary>
    internal static JsonObject Feature(JsonObject entity, bool keyValues)
    {
        var location = entity["location"];
        var geometry = keyValues ? location?.DeepClone() : location?["value"]?.DeepClone();
        var properties = new JsonObject();
        foreach (var (name, value) in entity)
        {
            if (name is not ("id" or "@context"))
            {
                properties[name] = value?.DeepClone();
            }
        }
        return new JsonObject { ["id"] = (string?)entity["id"], ["type"] = "Feature", ["geometry"] = geometry, ["properties"] = properties };
    }
}
