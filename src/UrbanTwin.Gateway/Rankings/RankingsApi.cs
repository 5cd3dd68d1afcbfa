using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Domain.Rollup;

namespace UrbanTwin.Gateway.Rankings;

public sealed record RankingItem(int Rank, string Id, string Name, string? NameZh, string? ParentId, double? Value, int? Year);

/// <summary>A ranking; <c>stale</c> when a parent answered from the gateway's last-seen state, then with <c>asOf</c>, the oldest of them.</summary>
public sealed record RankingView(string Level, string Metric, string Order, RankingItem[] Items, bool Stale,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? AsOf = null);

public static class RankingsApi
{
    /// <summary>What nodes can be ranked by: roll-up counts, indicators, and the mean or max of any metric.</summary>
    private static readonly Dictionary<string, Func<NodeSummary, (double? Value, int? Year)>> Measures = new(StringComparer.Ordinal)
    {
        ["activeAlarms"] = s => (s.ActiveAlarms.Total, null),
        ["activeAlarms.alarm"] = s => (s.ActiveAlarms.Alarm, null),
        ["activeAlarms.warning"] = s => (s.ActiveAlarms.Warning, null),
        ["assets.total"] = s => (s.Assets.Total, null),
        ["assets.alarm"] = s => (s.Assets.Alarm, null),
        ["assets.warning"] = s => (s.Assets.Warning, null),
        ["assets.offline"] = s => (s.Assets.Offline, null),
        // HJ 633 from the mean concentration of the node's stations per pollutant.
        ["aqi"] = s => (AirQuality.ForNode(s.Metrics)?.Value, null),
    };

    public static RouteGroupBuilder MapRankingsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/rankings", Get).WithTags("Rankings")
            .WithSummary("Ranks the clusters, cities or districts under a node by a metric (activeAlarms, assets.alarm, aqi, population, urbanizationRate, gasLel.max, ...).");
        return api;
    }

    private static async Task<Results<Ok<RankingView>, ValidationProblem, ProblemHttpResult>> Get(
        string? level, string? metric, string? order, string? node, Caller caller, NodeDirectory directory, IGrainFactory grains,
        LastSeenReads reads, TimeProvider clock, HttpContext context, CancellationToken ct)
    {
        NodeKind? kind = level switch { "cluster" => NodeKind.Cluster, "city" => NodeKind.City, "district" => NodeKind.District, _ => null };
        if (kind is null)
        {
            return Problems.Invalid("level", "must be one of cluster, city, district");
        }
        if (string.IsNullOrEmpty(metric) || Measure(metric) is not { } measure)
        {
            return Problems.Invalid("metric", "must be activeAlarms, activeAlarms.alarm, activeAlarms.warning, assets.total, assets.alarm, "
                + "assets.warning, assets.offline, aqi, an indicator (population, residentPopulation, urbanPopulation, urbanizationRate) or <metric>.mean|max|min");
        }
        order ??= "desc";
        if (order is not ("asc" or "desc"))
        {
            return Problems.Invalid("order", "must be asc or desc");
        }

        var tree = await directory.GetAsync(ct);
        List<NodeDefinition> roots;
        if (node is null)
        {
            roots = caller.Roots(tree);
        }
        else if (caller.TryFind(tree, node, out var scope, out var problem))
        {
            roots = [scope];
        }
        else
        {
            return problem;
        }

        // One call per parent: the parent already holds its children's latest summaries.
        var ranked = roots.SelectMany(r => tree.OfKindUnder(r, kind.Value)).ToList();
        var parents = ranked.Select(n => n.ParentId).OfType<string>().Distinct().ToList();
        var found = await Task.WhenAll(parents.Select(p => NodesApi.ReadChildrenAsync(reads, grains, tree.Find(p)!, ct)));
        var freshness = Freshness.Of(found, clock.GetUtcNow()).Describe(context, clock);
        var summaries = found.SelectMany(c => c.Value).ToDictionary(s => s.Id, StringComparer.Ordinal);

        var rows = ranked.Where(n => summaries.ContainsKey(n.Id)).Select(n => (Node: n, Measured: measure(summaries[n.Id]))).ToList();
        var sorted = order == "desc"
            ? rows.OrderBy(r => r.Measured.Value is null).ThenByDescending(r => r.Measured.Value).ThenBy(r => r.Node.Id, StringComparer.Ordinal)
            : rows.OrderBy(r => r.Measured.Value is null).ThenBy(r => r.Measured.Value).ThenBy(r => r.Node.Id, StringComparer.Ordinal);
        var items = sorted.Select((r, i) => new RankingItem(i + 1, r.Node.Id, r.Node.Name, r.Node.NameZh, r.Node.ParentId, r.Measured.Value, r.Measured.Year)).ToArray();
        return TypedResults.Ok(new RankingView(level!, metric, order, items, freshness.Stale, freshness.StaleAsOf));
    }

    private static Func<NodeSummary, (double? Value, int? Year)>? Measure(string metric)
    {
        if (Measures.TryGetValue(metric, out var known))
        {
            return known;
        }
        if (IndicatorRollup.Additive.Contains(metric) || IndicatorRollup.Ratios.Any(r => r.Name == metric))
        {
            return s => IndicatorRollup.Headline(s.Indicators.Where(p => p.Name == metric)) is { } p ? (p.Value, p.Year) : (null, null);
        }
        var dot = metric.LastIndexOf('.');
        if (dot > 0 && metric[(dot + 1)..] is "mean" or "max" or "min" && AssetCatalog.Kinds.Any(k => k.Metric(metric[..dot]) is not null))
        {
            var name = metric[..dot];
            var statistic = metric[(dot + 1)..];
            return s => s.Metrics.TryGetValue(name, out var m) && m.Count > 0
                ? (statistic switch { "mean" => Math.Round(m.Mean, 4), "max" => m.Max, _ => m.Min }, null)
                : (null, null);
        }
        return null;
    }
}
