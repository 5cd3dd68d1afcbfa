using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Entities;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Entities;

[GenerateSerializer, Alias("ut.EntityGrainState")]
public sealed class EntityGrainState
{
    [Id(0)] public StoredEntity? Entity { get; set; }
}

/// <summary>
/// One entity of a type the twin has no model for. Every change is written through, then the index is told; a retry of
/// a write whose index call failed tells it again (the index takes a repeated entry as it is).
/// </summary>
public sealed class EntityGrain([PersistentState("entity", StorageNames.Default)] IPersistentState<EntityGrainState> store) : Grain, IEntityGrain
{
    public Task<StoredEntity?> Get() => Task.FromResult(store.State.Entity);

    public async Task<EntityWriteOutcome> Write(StoredEntity entity, bool create, bool update, bool replace)
    {
        var held = store.State.Entity;
        if (held is null && (!create || entity.TypeIri.Length == 0))
        {
            return EntityWriteOutcome.NotFound; // a fragment (no type) only changes an entity that exists
        }
        if (entity.TypeIri.Length == 0)
        {
            entity = entity with { TypeIri = held!.TypeIri };
        }
        if (held is not null && !update)
        {
            return EntityWriteOutcome.AlreadyExists;
        }
        if (held is not null && held.TypeIri != entity.TypeIri)
        {
            return EntityWriteOutcome.OtherType;
        }
        var written = held is null || replace ? entity : held with
        {
            Attributes = [.. held.Attributes.Where(a => !entity.Attributes.Any(e => e.Iri == a.Iri)), .. entity.Attributes],
            Location = entity.Location ?? held.Location, // a fragment without a location keeps the one held
        };
        store.State.Entity = written;
        await store.WriteStateAsync();
        await GrainFactory.ByKey<IEntityIndexGrain>(IEntityIndexGrain.Key).Put(written.Id, new IndexedEntity(written.TypeIri, written.Location));
        return held is null ? EntityWriteOutcome.Created : EntityWriteOutcome.Updated;
    }

    public async Task<bool> Delete()
    {
        if (store.State.Entity is not { } held)
        {
            return false;
        }
        await GrainFactory.ByKey<IEntityIndexGrain>(IEntityIndexGrain.Key).Remove(held.Id);
        await store.ClearStateAsync();
        DeactivateOnIdle();
        return true;
    }
}
