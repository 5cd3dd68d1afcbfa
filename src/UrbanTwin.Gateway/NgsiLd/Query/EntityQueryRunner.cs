using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Text.Json;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Entities;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Gateway.Geo;
using UrbanTwin.Gateway.NgsiLd.Entities;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;
using NetTopologySuite.Geometries;

namespace UrbanTwin.Gateway.NgsiLd.Query;

/// <summary>
/// Runs an entity query over what the caller may see, in entity id order (a stable order for <c>offset</c> paging).
/// Nodes (about a hundred) are built and tried here. Assets are tried where they live: each district asked (those
/// the geo-query's box meets) tries its contributions and answers its first <c>offset + limit</c> ids and its count;
/// the page is taken from those merged, then read from the asset grains. A <c>q</c> or <c>attrs</c> naming what a
/// contribution does not hold (a sub-attribute such as <c>observedAt</c>, a registered attribute) is tried on the
/// assets themselves: the districts name the candidates, at most <see cref="NgsiLdOptions.MaxScannedEntities"/>.
/// Entities of other types are listed by their index (<see cref="IEntityIndexGrain"/>) and tried here.
/// </summary>
public sealed class EntityQueryRunner(NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, IOptions<NgsiLdOptions> options, TimeProvider clock)
{
    public sealed record Result(IReadOnlyList<NgsiEntity> Page, int Count);

    public async Task<Result> RunAsync(EntityQuery query, int offset, int limit, Caller caller, CancellationToken ct)
    {
        try
        {
            return await MatchAsync(query, offset, limit, caller, ct);
        }
        catch (RegexMatchTimeoutException)
        {
            throw PatternTooSlow(); // tried here: on nodes, or on entities read to try a q
        }
    }

    /// <summary>A grain's answer, unless a pattern of the query was stopped there (50 ms on one id or value).</summary>
    private static EntityIdPage Checked(EntityIdPage page) => page.PatternTooSlow ? throw PatternTooSlow() : page;

    private static NgsiLdException PatternTooSlow() => new(NgsiLdError.BadRequestData(
        "idPattern or q: a pattern took over 50 ms to match one id or value; write one that does not backtrack without end"));

    private async Task<Result> MatchAsync(EntityQuery query, int offset, int limit, Caller caller, CancellationToken ct)
    {
        if (query.GeoOnOtherProperty)
        {
            return new Result([], 0);
        }
        var tree = await directory.GetAsync(ct);
        var nodes = await MatchNodesAsync(query, tree, caller, ct);
        var assets = await MatchAssetsAsync(query, tree, caller, offset + limit, ct);
        var stored = await MatchStoredAsync(query, caller, offset + limit, ct);
        var pageIds = nodes.Keys.Concat(assets.Ids).Concat(stored.Ids).Order(StringComparer.Ordinal).Skip(offset).Take(limit).ToList();
        var page = await Task.WhenAll(pageIds.Select(async id => nodes.GetValueOrDefault(id) ?? assets.Built?.GetValueOrDefault(id)
            ?? stored.Built?.GetValueOrDefault(id) ?? await EntitiesApi.FindAsync(id, caller, directory, grains, reads, clock, ct)));
        // An entity deleted between the match and the read is left out of the page.
        return new Result([.. page.OfType<NgsiEntity>()], nodes.Count + assets.Count + stored.Count);
    }

    /// <summary>
    /// Entities of other types (stored as written): the index names those of the types, ids and places asked; a <c>q</c>
    /// or <c>attrs</c> is tried on the entities, at most <see cref="NgsiLdOptions.MaxScannedEntities"/> of them.
    /// </summary>
    private async Task<AssetMatches> MatchStoredAsync(EntityQuery query, Caller caller, int take, CancellationToken ct)
    {
        var selectors = StoredSelectors(query);
        if (selectors is null)
        {
            return new AssetMatches([], 0, null);
        }
        var index = grains.ByKey<IEntityIndexGrain>(IEntityIndexGrain.Key);
        var key = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(selectors)), 0, 12);
        if (query.Q is null && query.Attrs is null)
        {
            var page = Checked((await reads.GetAsync($"ngsi:stored:{key}:{take}", () => index.Find(selectors, take), ct)).Value);
            return new AssetMatches(page.EntityIds, page.Count, null);
        }
        var scanLimit = options.Value.MaxScannedEntities;
        var candidates = Checked((await reads.GetAsync($"ngsi:stored:{key}:{scanLimit + 1}", () => index.Find(selectors, scanLimit + 1), ct)).Value);
        return await TryOnEntitiesAsync(query, candidates.EntityIds, candidates.Count, "entities of other types", caller, take, ct);
    }

    /// <summary>
    /// A <c>q</c> or <c>attrs</c> tried on the candidates themselves, read one by one: at most
    /// <see cref="NgsiLdOptions.MaxScannedEntities"/> of them (<paramref name="total"/> more is TooManyResults).
    /// </summary>
    private async Task<AssetMatches> TryOnEntitiesAsync(EntityQuery query, IEnumerable<string> candidates, int total, string what, Caller caller, int take,
        CancellationToken ct)
    {
        var scanLimit = options.Value.MaxScannedEntities;
        if (total > scanLimit)
        {
            throw new NgsiLdException(NgsiLdError.TooManyResults(
                $"q or attrs name what only the entities themselves hold, and {total:N0} {what} would be read to try them (at most {scanLimit:N0}): "
                + "narrow the query by type, id, idPattern or a geo-query"));
        }
        var read = await Task.WhenAll(candidates.Select(id => EntitiesApi.FindAsync(id, caller, directory, grains, reads, clock, ct)));
        var matches = read.OfType<NgsiEntity>().Where(e => Holds(query, e)).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
        return new AssetMatches([.. matches.Take(take).Select(e => e.Id)], matches.Count, matches.ToDictionary(e => e.Id, StringComparer.Ordinal));
    }

    /// <summary>The query's selectors as the index of stored entities takes them; null when it selects none of them.</summary>
    private static StoredEntityQuery[]? StoredSelectors(EntityQuery query)
    {
        if (query.Selectors.Count == 0)
        {
            return [new StoredEntityQuery(null, null, null, query.Geo)];
        }
        var selectors = new List<StoredEntityQuery>();
        foreach (var s in query.Selectors)
        {
            var types = s.TypeIris?.Except(EntityQueryReader.KnownTypeIris).ToArray();
            var ids = s.EntityIds?.Where(id => !AssetEntityTypes.IsTwinForm(id)).ToArray();
            if (types is { Length: 0 } || ids is { Length: 0 })
            {
                continue; // selects the twin's own entities only
            }
            selectors.Add(new StoredEntityQuery(types, ids, s.IdPattern, query.Geo));
        }
        return selectors.Count == 0 ? null : [.. selectors];
    }

    /// <summary>Nodes the caller sees that the query selects, by entity id.</summary>
    private async Task<Dictionary<string, NgsiEntity>> MatchNodesAsync(EntityQuery query, NodeDirectory.Tree tree, Caller caller, CancellationToken ct)
    {
        var geo = query.Geo is { } g ? new PointGeoFilter(g) : null;
        var candidates = tree.Nodes.Where(n => caller.Sees(tree, n.Id) && query.Selects(EntityTypes.NodeId(n.Id), EntityQueryReader.AdministrativeAreaIri)
            && (geo is null || (n.Location is { } at && geo.Matches(at.Lng, at.Lat)))).ToList();
        var entities = await Task.WhenAll(candidates.Select(async node =>
        {
            var summary = await NodesApi.ReadSummaryAsync(reads, grains, node, ct);
            return NgsiEntity.FromNode(node, summary.Value, tree.ChildrenOf(node.Id));
        }));
        return entities.Where(e => Holds(query, e)).ToDictionary(e => e.Id, StringComparer.Ordinal);
    }

    private sealed record AssetMatches(IReadOnlyList<string> Ids, int Count, Dictionary<string, NgsiEntity>? Built);

    private async Task<AssetMatches> MatchAssetsAsync(EntityQuery query, NodeDirectory.Tree tree, Caller caller, int take, CancellationToken ct)
    {
        var selectors = AssetSelectors(query);
        if (selectors is null)
        {
            return new AssetMatches([], 0, null);
        }
        var districts = caller.Districts(tree);
        var geo = query.Geo is { } g ? new PointGeoFilter(g) : null;
        if (geo?.Bounds is { } box)
        {
            districts = AssetGeoSearch.Meeting(tree, districts, new Envelope(box.MinLng, box.MaxLng, box.MinLat, box.MaxLat));
        }
        var names = DistrictNames(query);
        if (names is not null)
        {
            var request = new AssetEntityQuery(selectors, query.QText, names.Count > 0 ? names : null,
                query.Attrs?.Select(DistrictName).ToArray(), query.Geo, take);
            var answers = await AskAsync(districts, request, ct);
            return new AssetMatches(Merge(answers, take), answers.Sum(a => a.Count), null);
        }
        // What the districts cannot try is tried on the candidates they name, read from their grains.
        var scanLimit = options.Value.MaxScannedEntities;
        var candidates = await AskAsync(districts, new AssetEntityQuery(selectors, null, null, null, query.Geo, scanLimit + 1), ct);
        return await TryOnEntitiesAsync(query, candidates.SelectMany(c => c.EntityIds), candidates.Sum(c => c.Count),
            "assets (for their sub-attributes or registered attributes)", caller, take, ct);
    }

    private async Task<EntityIdPage[]> AskAsync(List<string> districts, AssetEntityQuery request, CancellationToken ct)
    {
        var key = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request)), 0, 12);
        var answers = await Task.WhenAll(districts.Select(d => reads.GetAsync($"ngsi:{d}:{key}", () => grains.ByKey<IDistrictGrain>(d).QueryEntities(request), ct)));
        return [.. answers.Select(a => Checked(a.Value))];
    }

    /// <summary>The first <paramref name="take"/> ids of the districts' sorted lists, in order.</summary>
    private static List<string> Merge(EntityIdPage[] answers, int take) =>
        [.. answers.SelectMany(a => a.EntityIds).Order(StringComparer.Ordinal).Take(take)];

    /// <summary>The query's selectors as districts take them (asset kinds, entity ids); null when it selects no asset at all.</summary>
    private static EntitySelector[]? AssetSelectors(EntityQuery query)
    {
        if (query.Selectors.Count == 0)
        {
            return [];
        }
        var selectors = new List<EntitySelector>();
        foreach (var s in query.Selectors)
        {
            var kinds = s.TypeIris?.Select(ContextResolver.Core.Compact).Select(EntityTypes.KindOf).OfType<string>().ToArray();
            var ids = s.EntityIds?.Where(id => EntityTypes.Parse(id) is { } p && EntityTypes.KindOf(p.Type) is not null).ToArray();
            if (kinds is { Length: 0 } || ids is { Length: 0 })
            {
                continue; // selects nodes only
            }
            selectors.Add(new EntitySelector(kinds, ids, s.IdPattern));
        }
        return selectors.Count == 0 ? null : [.. selectors];
    }

    /// <summary>
    /// The q's attribute names (as written) with the twin's name each stands for, when a contribution can answer every
    /// path of the q and every attrs name; null when one needs the asset itself.
    /// </summary>
    private static Dictionary<string, string>? DistrictNames(EntityQuery query)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (query.Q is not null)
        {
            var written = QueryExpression.Parse(query.QText!).Paths.ToList();
            var mapped = query.Q.Paths.ToList();
            for (var i = 0; i < mapped.Count; i++)
            {
                var twin = DistrictName(mapped[i].Attribute);
                if (mapped[i].Names.Length > 1 || mapped[i].Members.Length > 0 || !DistrictAnswers(twin))
                {
                    return null;
                }
                names[written[i].Attribute] = twin;
            }
        }
        return query.Attrs is null || query.Attrs.All(a => DistrictAnswers(DistrictName(a))) ? names : null;
    }

    /// <summary>The twin's name for an attribute IRI: its term in the default vocabulary, or the IRI itself (which no asset has).</summary>
    private static string DistrictName(string iri) => ContextResolver.Core.Compact(iri);

    /// <summary>A name a contribution answers for: one it holds, or one no asset can have (an IRI outside the default vocabulary).</summary>
    private static bool DistrictAnswers(string twinName) => AssetEntityMatcher.Answerable(twinName) || twinName.Contains(':', StringComparison.Ordinal);

    private static bool Holds(EntityQuery query, NgsiEntity entity) =>
        (query.Attrs is null || EntityTarget.HasAny(entity, query.Attrs)) && (query.Q is null || query.Q.Matches(EntityTarget.For(entity)));
}
