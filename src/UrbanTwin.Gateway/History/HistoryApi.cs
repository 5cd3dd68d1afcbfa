using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.History;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Domain.History;

namespace UrbanTwin.Gateway.History;

public sealed record HistoryView(string Id, string Metric, string? Step, HistoryPoint[] Points);

public static class HistoryApi
{
    private static readonly TimeSpan MaxRange = TimeSpan.FromHours(24);

    public static RouteGroupBuilder MapHistoryApi(this RouteGroupBuilder api)
    {
        api.MapGet("/assets/{id}/history", AssetHistory).WithTags("Assets")
            .WithSummary("An asset's recent readings of one metric (?metric=, from/to RFC 3339, default the last 24 h), oldest first.");
        api.MapGet("/nodes/{id}/history", NodeHistory).WithTags("Nodes")
            .WithSummary("A node aggregate over time (?metric=activeAlarms|assets.alarm|aqi|gasLel.mean…; step=10s for the last hour, 1m for 24 h).");
        return api;
    }

    private static async Task<Results<Ok<HistoryView>, ProblemHttpResult, ValidationProblem>> AssetHistory(
        string id, string? metric, string? from, string? to, Caller caller, NodeDirectory directory, IGrainFactory grains, Reads.LastSeenReads reads,
        TimeProvider clock, CancellationToken ct)
    {
        if (await Assets.AssetsApi.FindAsync(id, caller, directory, grains, reads, ct) is not { } found)
        {
            return Problems.NotFound("asset", id);
        }
        if (found.Problem is { } outOfScope)
        {
            return outOfScope;
        }
        var asset = found.Read.Value!;
        var kind = AssetCatalog.Get(asset.Definition.Kind);
        if (metric is null || kind.Metric(metric) is null)
        {
            return Problems.Invalid("metric", $"must be a metric of {kind.Name}: {string.Join(", ", kind.Metrics.Select(m => m.Name))}");
        }
        if (ParseRange(from, to, clock.GetUtcNow(), MaxRange) is not { } range)
        {
            return RangeProblem(from, to);
        }
        var points = await grains.ByKey<IAssetGrain>(id).GetHistory(metric, range.From, range.To);
        return TypedResults.Ok(new HistoryView(id, metric, null, points));
    }

    private static async Task<Results<Ok<HistoryView>, ProblemHttpResult, ValidationProblem>> NodeHistory(
        string id, string? metric, string? from, string? to, string? step, Caller caller, NodeDirectory directory, IGrainFactory grains, TimeProvider clock,
        CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        if (!caller.TryFind(tree, id, out var node, out var problem))
        {
            return problem;
        }
        if (metric is null || !NodeSeries.Names.Contains(metric))
        {
            return Problems.Invalid("metric", "must be one of " + string.Join(", ", NodeSeries.Names));
        }
        var now = clock.GetUtcNow();
        if (ParseRange(from, to, now, MaxRange, defaultSpan: TimeSpan.FromHours(1)) is not { } range)
        {
            return RangeProblem(from, to);
        }
        TimeSpan resolution;
        switch (step)
        {
            case null:
                resolution = range.From >= now - TimeSpan.FromHours(1) ? AggregateHistory.FineStep : AggregateHistory.CoarseStep;
                break;
            case "10s":
                resolution = AggregateHistory.FineStep;
                break;
            case "1m":
                resolution = AggregateHistory.CoarseStep;
                break;
            default:
                return Problems.Invalid("step", "must be 10s (the last hour) or 1m (the last 24 h)");
        }
        var points = await NodeGrains.Get(grains, node.Kind, id).GetHistory(metric, range.From, range.To, resolution);
        return TypedResults.Ok(new HistoryView(id, metric, resolution == AggregateHistory.FineStep ? "10s" : "1m", points));
    }

    /// <summary>from/to as RFC 3339 with an offset; to defaults to now and from to <paramref name="defaultSpan"/> before it.</summary>
    private static (DateTimeOffset From, DateTimeOffset To)? ParseRange(string? from, string? to, DateTimeOffset now, TimeSpan maxSpan, TimeSpan? defaultSpan = null)
    {
        DateTimeOffset end = now, start;
        if (to is not null && !TryParseInstant(to, out end))
        {
            return null;
        }
        if (from is null)
        {
            start = end - (defaultSpan ?? maxSpan);
        }
        else if (!TryParseInstant(from, out start))
        {
            return null;
        }
        return start <= end && end - start <= maxSpan ? (start, end) : null;
    }

    private static bool TryParseInstant(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture,
            DateTimeStyles.None, out value) && (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-');

    private static ValidationProblem RangeProblem(string? from, string? to) =>
        Problems.Invalid(from is not null && !TryParseInstant(from, out _) ? "from" : "to",
            "from and to must be RFC 3339 times with an offset (e.g. 2026-11-23T08:00:00Z), from ≤ to, at most 24 h apart");
}
