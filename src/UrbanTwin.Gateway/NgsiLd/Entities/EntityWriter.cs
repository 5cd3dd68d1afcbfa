using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Gateway.Assets;
using UrbanTwin.Gateway.Geo;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.NgsiLd.Entities;

/// <summary>How an existing entity takes the attributes written to it (clause 5.6.8 and 5.6.3: update or replace).</summary>
public enum WriteMode
{
    /// <summary>Create only: an entity that exists is AlreadyExists.</summary>
    Create,
    /// <summary>The attributes given change; the others stay.</summary>
    Update,
    /// <summary>The entity becomes what is given (for an asset: its registered attributes are those given).</summary>
    Replace,
}

/// <summary>What one entity's write came to: done (and whether it created the entity), or the error it is answered with.</summary>
public sealed record WriteOutcome(string EntityId, NgsiLdError? Error, bool Created = false);

/// <summary>
/// Writes entities to the twin. An entity of an asset type is an asset: creating it registers it (validated as a
/// registration, its district from <c>containedIn</c> or else the district its location lies in); its number
/// Properties are readings that go through the telemetry path (<see cref="TelemetryIngestor"/>, validated exactly as
/// telemetry, acknowledged durably when <see cref="NgsiLdOptions.DurableWrites"/>); its other attributes change its
/// registration. A write of readings alone (what an IoT Agent sends) goes straight to the assets, in one delivery for
/// the whole request. Nodes are read-only here. An entity of any other type is stored as written (<see cref="IEntityGrain"/>),
/// by keys without a scope only (it belongs to no district).
/// </summary>
public sealed class EntityWriter(IGrainFactory grains, NodeDirectory directory, TelemetryIngestor ingestor, IOptions<IngestOptions> ingest,
    IOptions<GeoOptions> geo, IOptions<NgsiLdOptions> options, TimeProvider clock)
{
    /// <summary>Writes each entity (<paramref name="mode"/>; <paramref name="createMissing"/>: upsert), one outcome per entity in order.</summary>
    public async Task<WriteOutcome[]> WriteAsync(IReadOnlyList<EntityDocument> entities, WriteMode mode, bool createMissing, Caller caller, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        var scope = caller.WriteScope(tree);
        var outcomes = new WriteOutcome?[entities.Count];
        var targets = new (string Kind, string AssetId, AssetChanges Changes)?[entities.Count];
        var stored = new List<int>();
        for (var i = 0; i < entities.Count; i++)
        {
            try
            {
                if (StoredEntityWriter.IsStored(entities[i]))
                {
                    stored.Add(i);
                }
                else
                {
                    targets[i] = Target(entities[i]);
                }
            }
            catch (NgsiLdException ex)
            {
                outcomes[i] = new WriteOutcome(entities[i].Id!, ex.Error);
            }
        }
        await Parallel.ForEachAsync(stored, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct },
            async (i, _) => outcomes[i] = await StoredEntityWriter.WriteAsync(grains, entities[i], mode, createMissing, caller));
        // Readings alone to assets that exist: one delivery for all. An asset that turns out not to exist is created below (upsert).
        var readingsOnly = Enumerable.Range(0, entities.Count)
            .Where(i => targets[i] is { Changes.ChangesDefinition: false } && mode == WriteMode.Update).ToList();
        if (readingsOnly.Count > 0)
        {
            foreach (var (i, error) in await DeliverAsync(entities, targets, readingsOnly, scope, ct))
            {
                if (error?.Type != UnknownAssetMarker)
                {
                    outcomes[i] = new WriteOutcome(entities[i].Id!, error); // done or refused; an unknown asset is left for below
                }
            }
        }
        // The others one by one against the registration: created, changed, or refused.
        var registered = new ConcurrentBag<int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, entities.Count).Where(i => outcomes[i] is null && targets[i] is not null),
            new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct }, async (i, _) =>
            {
                try
                {
                    var created = await RegisterAsync(entities[i], targets[i]!.Value, mode, createMissing, tree, caller, scope);
                    outcomes[i] = new WriteOutcome(entities[i].Id!, null, created);
                    registered.Add(i);
                }
                catch (NgsiLdException ex)
                {
                    outcomes[i] = new WriteOutcome(entities[i].Id!, ex.Error);
                }
            });
        var withReadings = registered.Where(i => targets[i]!.Value.Changes.Measures.Count > 0).Order().ToList();
        if (withReadings.Count > 0)
        {
            foreach (var (i, error) in await DeliverAsync(entities, targets, withReadings, scope, ct))
            {
                outcomes[i] = outcomes[i]! with { Error = error?.Type == UnknownAssetMarker ? NgsiLdError.ResourceNotFound($"{entities[i].Id}: no such entity") : error };
            }
        }
        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>Deletes each entity: an asset, or an entity stored as written; a node is not deletable here.</summary>
    public async Task<WriteOutcome[]> DeleteAsync(IReadOnlyList<string> entityIds, Caller caller, CancellationToken ct)
    {
        var scope = await caller.WriteScopeAsync(directory, ct);
        return await Task.WhenAll(entityIds.Select(async id =>
        {
            if (!AssetEntityTypes.IsTwinForm(id))
            {
                return await StoredEntityWriter.DeleteAsync(grains, id, caller);
            }
            var (type, key) = EntityTypes.Parse(id)!.Value;
            if (EntityTypes.KindOf(type) is not { } kind)
            {
                return new WriteOutcome(id, NgsiLdError.OperationNotSupported($"{id}: the administrative areas are the topology's, changed through /api/v1/topology"));
            }
            var asset = grains.ByKey<IAssetGrain>(key);
            // The id names the asset with its type: an asset of another kind is not this entity.
            if (await asset.Get() is not { } snapshot || snapshot.Definition.Kind != kind)
            {
                return new WriteOutcome(id, NgsiLdError.ResourceNotFound($"{id}: no such entity"));
            }
            return await asset.Delete(scope) switch
            {
                DeleteOutcome.Deleted => new WriteOutcome(id, null),
                // Outside the key's scope an entity is not there, as for a read.
                _ => new WriteOutcome(id, NgsiLdError.ResourceNotFound($"{id}: no such entity")),
            };
        }));
    }

    // An internal error type: the asset is not registered (upsert creates it; an update answers ResourceNotFound).
    private const string UnknownAssetMarker = "urn:urbantwin:unknown-asset";

    /// <summary>The asset an entity names, and what it says of it; BadRequestData or OperationNotSupported otherwise.</summary>
    private static (string Kind, string AssetId, AssetChanges Changes) Target(EntityDocument entity)
    {
        var id = entity.Id!;
        var parsed = EntityTypes.Parse(id);
        var type = entity.TypeIri is { } iri ? ContextResolver.Core.Compact(iri) : parsed?.Type;
        if (type == EntityTypes.AdministrativeArea)
        {
            throw new NgsiLdException(NgsiLdError.OperationNotSupported($"{id}: the administrative areas are the topology's, changed through /api/v1/topology"));
        }
        var kind = EntityTypes.KindOf(type!)!; // not stored as written, not an area: an asset type
        if (parsed is not var (idType, key) || idType != type || !Domain.Rules.Identifiers.IsValidAssetId(key))
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData(
                $"id: an entity of type {type} is urn:ngsi-ld:{type}:<asset id>, the asset id {Domain.Rules.Identifiers.Describe(Domain.Rules.Identifiers.MaxAssetIdLength)}"));
        }
        return (kind, key, AssetChanges.Of(entity, type));
    }

    /// <summary>Creates or changes the asset's registration; true when it created it.</summary>
    private async Task<bool> RegisterAsync(EntityDocument entity, (string Kind, string AssetId, AssetChanges Changes) target, WriteMode mode, bool createMissing,
        NodeDirectory.Tree tree, Caller caller, Contracts.Access.WriteScope? scope)
    {
        var (kind, assetId, changes) = target;
        var id = entity.Id!;
        var asset = grains.ByKey<IAssetGrain>(assetId);
        var existing = (await asset.Get())?.Definition;
        if (existing is not null && existing.Kind != kind)
        {
            // Not this entity (its id names another type); it cannot be created either, the asset id being taken.
            throw new NgsiLdException(mode != WriteMode.Create && !createMissing
                ? NgsiLdError.ResourceNotFound($"{id}: no such entity")
                : NgsiLdError.AlreadyExists($"{id}: asset '{assetId}' exists as a {existing.Kind}"));
        }
        if (existing is not null && mode == WriteMode.Create)
        {
            throw new NgsiLdException(NgsiLdError.AlreadyExists($"{id}: already exists"));
        }
        if (existing is null && mode != WriteMode.Create && !createMissing)
        {
            throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{id}: no such entity"));
        }
        if (existing is not null && !caller.Sees(tree, existing.NodeId))
        {
            throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{id}: no such entity")); // as for a read: not there for this key
        }
        var location = changes.Location ?? existing?.Location;
        var nodeId = changes.NodeId ?? existing?.NodeId
            ?? (location is null ? null : tree.Areas.Containing(location.Lng, location.Lat).FirstOrDefault(n => n.Kind == NodeKind.District)?.Id);
        var document = new AssetDocument
        {
            Id = assetId, Kind = kind, NodeId = nodeId, Name = changes.Name ?? existing?.Name ?? assetId,
            Location = location is null ? null : new Domain.Topology.GeoPointDocument { Lng = location.Lng, Lat = location.Lat },
            ReportingIntervalSeconds = existing?.ReportingIntervalSeconds,
            Thresholds = existing?.Thresholds.ToDictionary(t => t.Key, t => (List<ThresholdDocument?>?)[.. t.Value.Select(r =>
                (ThresholdDocument?)new ThresholdDocument { Level = r.Level, Op = r.Op, Value = r.Value, Hysteresis = r.Hysteresis })]),
            Attributes = mode == WriteMode.Update && existing is not null
                ? existing.Attributes.Concat(changes.Attributes.Where(a => !existing.Attributes.ContainsKey(a.Key)))
                    .ToDictionary(a => a.Key, a => (string?)changes.Attributes.GetValueOrDefault(a.Key, a.Value))
                : changes.Attributes.ToDictionary(a => a.Key, a => (string?)a.Value),
        };
        var errors = new List<FieldError>();
        if (AssetDocumentValidator.Validate(document, tree, errors) is not { } definition)
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData(string.Join("; ", errors.Select(e => $"{AttributeOf(e.Field)}: {e.Message}"))));
        }
        if (!caller.Sees(tree, definition.NodeId))
        {
            throw new NgsiLdException(NgsiLdError.Forbidden($"containedIn: '{definition.NodeId}' is outside the scope of key '{caller.Name}'"));
        }
        if (AssetsApi.PlaceCheck(tree, definition, 0, geo.Value).Rejection is { } outside)
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData($"location: {outside.Detail}"));
        }
        // A fresh asset takes readings its entity carries; validate them before it is registered, so a refusal leaves nothing.
        _ = changes.Readings(kind, clock.GetUtcNow(), ingest.Value.MaxFutureSkewSeconds);
        return await asset.Register(definition, scope) switch
        {
            RegistrationOutcome.OutOfScope => throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{id}: no such entity")),
            RegistrationOutcome.Created => true,
            _ => false,
        };
    }

    /// <summary>A registration field as the entity names it.</summary>
    private static string AttributeOf(string field) => field switch
    {
        "nodeId" => "containedIn",
        "id" => "id",
        _ when field.StartsWith("location", StringComparison.Ordinal) => "location",
        _ when field.StartsWith("attributes.", StringComparison.Ordinal) => field["attributes.".Length..],
        _ => field,
    };

    /// <summary>The readings of the given entities, in one delivery through the telemetry path; the error of each (null: done).</summary>
    private async Task<List<(int Index, NgsiLdError? Error)>> DeliverAsync(IReadOnlyList<EntityDocument> entities,
        (string Kind, string AssetId, AssetChanges Changes)?[] targets, List<int> which, Contracts.Access.WriteScope? scope, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var items = new List<ParsedItem>();
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        var owner = new List<int>();
        var results = new Dictionary<int, NgsiLdError?>();
        foreach (var i in which)
        {
            var (kind, assetId, changes) = targets[i]!.Value;
            try
            {
                foreach (var reading in changes.Readings(kind, now, ingest.Value.MaxFutureSkewSeconds))
                {
                    items.Add(new ParsedItem(items.Count, assetId, reading, ReadingOutcome.Accepted));
                    owner.Add(i);
                    kinds[assetId] = kind;
                }
                results[i] = null;
            }
            catch (NgsiLdException ex)
            {
                results[i] = ex.Error;
            }
        }
        if (items.Count > 0)
        {
            var ack = options.Value.DurableWrites ? Ack.Durable : Ack.Accepted;
            var response = await ingestor.IngestAsync(items, ack, scope, kinds);
            foreach (var rejection in response.Rejected)
            {
                var i = owner[rejection.Index];
                results[i] ??= rejection.Reason switch
                {
                    RejectionReasons.UnknownAsset => new NgsiLdError(UnknownAssetMarker, 404, "", ""),
                    RejectionReasons.OutOfScope => NgsiLdError.ResourceNotFound($"{entities[i].Id}: no such entity"),
                    RejectionReasons.Unavailable => NgsiLdError.Unavailable($"{entities[i].Id}: {rejection.Detail}"),
                    _ => NgsiLdError.BadRequestData($"{entities[i].Id}: {rejection.Reason}: {rejection.Detail}"),
                };
            }
        }
        return [.. results.Select(r => (r.Key, r.Value))];
    }
}
