using System.Text.Json.Nodes;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Entities;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.NgsiLd.Entities;

/// <summary>
/// Writes of entities of types the twin has no model for (a Building, a Vehicle): each stored as written by its
/// <see cref="IEntityGrain"/>, its attributes by IRI. They belong to no district, so only keys without a scope write them.
/// </summary>
public static class StoredEntityWriter
{
    /// <summary>
    /// Whether the entity is stored as written (<see cref="IEntityGrain"/>): of a type that is neither an asset's nor
    /// an administrative area's. Its id must not have the form of theirs (BadRequestData).
    /// </summary>
    public static bool IsStored(EntityDocument entity)
    {
        var idIsTwins = AssetEntityTypes.IsTwinForm(entity.Id!);
        if (entity.TypeIri is not { } iri)
        {
            return !idIsTwins; // a fragment: what its id names
        }
        var type = ContextResolver.Core.Compact(iri);
        var typeIsTwins = type == EntityTypes.AdministrativeArea || EntityTypes.KindOf(type) is not null;
        if (!typeIsTwins && idIsTwins)
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData(
                $"id: {entity.Id} has the form of a {EntityTypes.Parse(entity.Id!)!.Value.Type}'s id; an entity of type {type} needs another"));
        }
        return !typeIsTwins;
    }

    /// <summary>An entity of a type the twin has no model for, written to its grain as it was written here.</summary>
    public static async Task<WriteOutcome> WriteAsync(IGrainFactory grains, EntityDocument entity, WriteMode mode, bool createMissing, Caller caller)
    {
        var id = entity.Id!;
        if (!caller.Unscoped)
        {
            return new WriteOutcome(id, OutOfScope(caller));
        }
        var locationIri = ContextResolver.Core.Expand("location");
        var location = entity.Attributes.FirstOrDefault(a => a.Iri == locationIri && a.Kind == "GeoProperty") is { } geo
            && geo.Value is JsonObject { } shape && (string?)shape["type"] == "Point"
            && shape["coordinates"] is JsonArray { Count: 2 } c && c[0] is JsonValue x && c[1] is JsonValue y
            && x.TryGetValue<double>(out var lng) && y.TryGetValue<double>(out var lat) ? new GeoPoint(lng, lat) : null;
        var record = new StoredEntity(id, entity.TypeIri ?? "", [.. entity.Attributes.Select(a => new StoredAttribute(a.Iri, a.Expanded.ToJsonString()))], location);
        var outcome = await grains.ByKey<IEntityGrain>(id).Write(record, create: mode == WriteMode.Create || createMissing, update: mode != WriteMode.Create,
            replace: mode != WriteMode.Update);
        return outcome switch
        {
            EntityWriteOutcome.Created => new WriteOutcome(id, null, Created: true),
            EntityWriteOutcome.Updated => new WriteOutcome(id, null),
            EntityWriteOutcome.AlreadyExists => new WriteOutcome(id, NgsiLdError.AlreadyExists($"{id}: already exists")),
            EntityWriteOutcome.OtherType => new WriteOutcome(id, NgsiLdError.BadRequestData($"type: {id} exists with another type")),
            _ => new WriteOutcome(id, NgsiLdError.ResourceNotFound($"{id}: no such entity")),
        };
    }

    public static async Task<WriteOutcome> DeleteAsync(IGrainFactory grains, string id, Caller caller)
    {
        if (!caller.Unscoped)
        {
            return new WriteOutcome(id, OutOfScope(caller));
        }
        return await grains.ByKey<IEntityGrain>(id).Delete() ? new WriteOutcome(id, null) : new WriteOutcome(id, NgsiLdError.ResourceNotFound($"{id}: no such entity"));
    }

    private static NgsiLdError OutOfScope(Caller caller) => NgsiLdError.Forbidden(
        $"entities of types other than the assets' belong to no district: only a key without a scope writes them ('{caller.Name}' has one)");
}
