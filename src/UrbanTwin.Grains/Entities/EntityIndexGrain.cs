using System.Text.RegularExpressions;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Entities;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Entities;

[GenerateSerializer, Alias("ut.EntityIndexState")]
public sealed class EntityIndexState
{
    [Id(0)] public Dictionary<string, IndexedEntity> Entities { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The stored entities' ids, types and locations, written through on every change.</summary>
public sealed class EntityIndexGrain([PersistentState("entityindex", StorageNames.Default)] IPersistentState<EntityIndexState> store) : Grain, IEntityIndexGrain
{
    public async Task Put(string entityId, IndexedEntity entry)
    {
        if (store.State.Entities.TryGetValue(entityId, out var held) && held == entry)
        {
            return;
        }
        store.State.Entities[entityId] = entry;
        await store.WriteStateAsync();
    }

    public async Task Remove(string entityId)
    {
        if (store.State.Entities.Remove(entityId))
        {
            await store.WriteStateAsync();
        }
    }

    public Task<EntityIdPage> Find(StoredEntityQuery[] queries, int take)
    {
        var tests = queries.Select(q => (
            Types: q.TypeIris is null ? null : new HashSet<string>(q.TypeIris, StringComparer.Ordinal),
            Ids: q.EntityIds is null ? null : new HashSet<string>(q.EntityIds, StringComparer.Ordinal),
            Pattern: q.IdPattern is null ? null : new Regex(q.IdPattern, RegexOptions.CultureInvariant, QueryExpression.PatternTimeout),
            Geo: q.Geo is null ? null : new PointGeoFilter(q.Geo))).ToList<(HashSet<string>? Types, HashSet<string>? Ids, Regex? Pattern, PointGeoFilter? Geo)>();
        try
        {
            return Task.FromResult(Matching(tests, take));
        }
        catch (RegexMatchTimeoutException)
        {
            return Task.FromResult(EntityIdPage.TooSlow);
        }
    }

    private EntityIdPage Matching(List<(HashSet<string>? Types, HashSet<string>? Ids, Regex? Pattern, PointGeoFilter? Geo)> tests, int take)
    {
        var found = store.State.Entities.Where(e => tests.Any(t =>
                (t.Types is null || t.Types.Contains(e.Value.TypeIri)) && (t.Ids is null || t.Ids.Contains(e.Key))
                && (t.Pattern is null || t.Pattern.IsMatch(e.Key))
                && (t.Geo is null || (e.Value.Location is { } at && t.Geo.Matches(at.Lng, at.Lat)))))
            .Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        return new EntityIdPage([.. found.Take(take)], found.Count);
    }
}
