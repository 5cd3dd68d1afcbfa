using UrbanTwin.Contracts.Geo;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Contracts.Entities;

/// <summary>
/// An attribute of a stored entity: its IRI and its NGSI-LD normalized JSON (sub-attribute names expanded to IRIs, so
/// that any context can compact them when it is read).
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.StoredAttribute")]
public sealed record StoredAttribute([property: Id(0)] string Iri, [property: Id(1)] string Json);

/// <summary>An entity of a type the twin has no model for (a Building, a Vehicle): its id, type IRI and attributes as written.</summary>
[GenerateSerializer, Immutable, Alias("ut.StoredEntity")]
public sealed record StoredEntity(
    [property: Id(0)] string Id,
    [property: Id(1)] string TypeIri,
    [property: Id(2)] StoredAttribute[] Attributes,
    [property: Id(3)] GeoPoint? Location);

/// <summary>What a write to a stored entity came to.</summary>
[GenerateSerializer]
public enum EntityWriteOutcome
{
    Created = 0,
    Updated = 1,
    /// <summary>There is no such entity, and the write was not to create it.</summary>
    NotFound = 2,
    /// <summary>The entity exists with another type.</summary>
    OtherType = 3,
    /// <summary>A create found the entity there already.</summary>
    AlreadyExists = 4,
}

/// <summary>
/// One entity of a type other than the assets' and the administrative areas', keyed by its id: a complete NGSI-LD
/// entity store for the odd Building or Vehicle beside the twin's own model. Persisted like a webhook's state; listed
/// in <see cref="IEntityIndexGrain"/> for queries.
/// </summary>
[Alias("ut.IEntityGrain")]
public interface IEntityGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<StoredEntity?> Get();

    /// <summary>
    /// Creates the entity, or changes it: <paramref name="replace"/> takes the attributes given for all of them,
    /// otherwise they are merged over the ones held. Without <paramref name="create"/> a missing entity is NotFound;
    /// with <paramref name="update"/> false an existing one is AlreadyExists. An empty type is a fragment's: the type held.
    /// </summary>
    [Alias("Write")]
    Task<EntityWriteOutcome> Write(StoredEntity entity, bool create, bool update, bool replace);

    /// <summary>Deletes the entity; false when there was none.</summary>
    [Alias("Delete")]
    Task<bool> Delete();
}

/// <summary>A stored entity as the index lists it.</summary>
[GenerateSerializer, Immutable, Alias("ut.IndexedEntity")]
public sealed record IndexedEntity([property: Id(0)] string TypeIri, [property: Id(1)] GeoPoint? Location);

/// <summary>Which stored entities a query names: of these types (null: any), ids (null: any), an id pattern, and where they are.</summary>
[GenerateSerializer, Immutable, Alias("ut.StoredEntityQuery")]
public sealed record StoredEntityQuery(
    [property: Id(0)] string[]? TypeIris,
    [property: Id(1)] string[]? EntityIds,
    [property: Id(2)] string? IdPattern,
    [property: Id(3)] EntityGeoQuery? Geo);

/// <summary>
/// The list of stored entities (one grain, <see cref="Key"/>): each id with its type and location, so that queries
/// find them without reading each. Sized for entities beside the twin's model, not for millions.
/// </summary>
[Alias("ut.IEntityIndexGrain")]
public interface IEntityIndexGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Put")]
    Task Put(string entityId, IndexedEntity entry);

    [Alias("Remove")]
    Task Remove(string entityId);

    /// <summary>The ids of the entities any of the queries names, in ordinal order: the first <paramref name="take"/>, and how many in all.</summary>
    [Alias("Find")]
    Task<Assets.EntityIdPage> Find(StoredEntityQuery[] queries, int take);
}
