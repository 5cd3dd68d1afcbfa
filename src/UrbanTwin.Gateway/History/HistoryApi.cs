using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.History;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.History;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Security;
using UrbanTwin.History;

namespace UrbanTwin.Gateway.History;

/// <param name="Step">raw, 10s, 1m, 1h or 1d.</param>
/// <param name="Agg">How a bucket became its point (avg, min, max, last); null for raw.</param>
/// <param name="Source">
/// Where the points came from: <c>memory</c> (the grains' recent window: no history store, or nothing stored in the
/// range yet), <c>store</c> (PostgreSQL), or <c>store+memory</c> (the store, then memory for what has not reached it).
/// </param>
/// <param name="Partial">The history store was configured but did not answer: only memory's recent window is here.</param>
public sealed record HistoryView(string Id, string Metric, string Step, string? Agg, DateTimeOffset From, DateTimeOffset To, string Source, bool Partial,
    HistoryPoint[] Points);

/// <summary>A series seamed from the store and memory: its buckets, whether the store had more than asked, where it came from.</summary>
public sealed record SeamedSeries(List<SeriesBucket> Buckets, bool Truncated, bool Partial, string Source);

/// <summary>
/// Asset and node history: the recent window from the grains' memory and, with a history store
/// (<c>ConnectionStrings:History</c>), anything older from PostgreSQL, joined where the store's newest value ends.
/// JSON, or CSV with <c>Accept: text/csv</c>.
/// </summary>
public static class HistoryApi
{
    /// <summary>The most points one answer holds: a longer raw range needs a step.</summary>
    public const int MaxPoints = 100_000;

    /// <summary>Without a store, memory holds a day at most; with one, its retention (two years for node hours).</summary>
    private static readonly TimeSpan MemoryRange = TimeSpan.FromHours(24);
    private static readonly TimeSpan StoreRange = TimeSpan.FromDays(731);

    public static RouteGroupBuilder MapHistoryApi(this RouteGroupBuilder api)
    {
        api.MapGet("/assets/{id}/history", AssetHistory).WithTags("Assets").ProducesCsv()
            .WithSummary("An asset's readings of one metric (?metric=) between from and to (RFC 3339 or relative: -24h, -7d; default the last 24 h), "
                + "raw or by step (10s, 1m, 1h, 1d) with agg (avg, min, max, last). Accept: text/csv for CSV.");
        api.MapGet("/nodes/{id}/history", NodeHistory).WithTags("Nodes").ProducesCsv()
            .WithSummary("A node aggregate over time (?metric=activeAlarms|activeAlarms.alarm|assets.alarm|aqi|gasLel.mean…) between from and to, "
                + "by step (10s for the last hour, 1m, 1h, 1d; default by range) with agg. Accept: text/csv for CSV.");
        return api;
    }

    private static async Task<Results<Ok<HistoryView>, ContentHttpResult, ProblemHttpResult, ValidationProblem>> AssetHistory(
        string id, string? metric, string? from, string? to, string? step, string? agg, HttpContext http, Caller caller, NodeDirectory directory,
        IGrainFactory grains, Reads.LastSeenReads reads, TimeProvider clock, IServiceProvider services, ILoggerFactory logs, CancellationToken ct)
    {
        if (await Assets.AssetsApi.FindAsync(id, caller, directory, grains, reads, ct) is not { } found)
        {
            return Problems.NotFound("asset", id);
        }
        if (found.Problem is { } outOfScope)
        {
            return outOfScope;
        }
        var kind = AssetCatalog.Get(found.Read.Value!.Definition.Kind);
        if (metric is null || kind.Metric(metric) is null)
        {
            return Problems.Invalid("metric", $"must be a metric of {kind.Name}: {string.Join(", ", kind.Metrics.Select(m => m.Name))}");
        }
        var store = services.GetService<HistoryStore>();
        var now = clock.GetUtcNow();
        var parsed = Parse(from, to, step ?? "raw", agg, now, store is null ? MemoryRange : StoreRange, TimeSpan.FromHours(24));
        if (parsed.Query is not { } query)
        {
            return parsed.Problem!;
        }
        return Answer(http, id, metric, query, await ReadAssetAsync(grains, store, id, metric, query.From, query.To, query.Step, logs, ct));
    }

    private static async Task<Results<Ok<HistoryView>, ContentHttpResult, ProblemHttpResult, ValidationProblem>> NodeHistory(
        string id, string? metric, string? from, string? to, string? step, string? agg, HttpContext http, Caller caller, NodeDirectory directory,
        IGrainFactory grains, TimeProvider clock, IServiceProvider services, ILoggerFactory logs, CancellationToken ct)
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
        var store = services.GetService<HistoryStore>();
        var now = clock.GetUtcNow();
        var parsed = Parse(from, to, step, agg, now, store is null ? MemoryRange : StoreRange, TimeSpan.FromHours(1));
        if (parsed.Query is not { } query)
        {
            return parsed.Problem!;
        }
        if (query.Step is null)
        {
            return Problems.Invalid("step", "a node's history has steps, not raw points: 10s (the last hour), 1m, 1h or 1d");
        }
        if (query.Step < AggregateHistory.CoarseStep && query.From < now - TimeSpan.FromHours(1))
        {
            return Problems.Invalid("step", "10s points are kept for the last hour only: use 1m or more, or a later from");
        }
        var fine = query.Step < AggregateHistory.CoarseStep;
        var memory = await NodeGrains.Get(grains, node.Kind, id).GetHistory(metric, query.From, query.To,
            fine ? AggregateHistory.FineStep : AggregateHistory.CoarseStep);
        return Answer(http, id, metric, query, await SeamAsync(id, query.Step, memory, store is null || fine ? null
            : () => store.Queries.NodeAsync(id, metric, query.From, query.To, query.Step.Value, MaxPoints, ct), logs));
    }

    /// <summary>The series' points by the query's aggregate; JSON or CSV.</summary>
    private static Results<Ok<HistoryView>, ContentHttpResult, ProblemHttpResult, ValidationProblem> Answer(HttpContext http, string id,
        string metric, HistoryQuery query, SeamedSeries series)
    {
        if (series.Truncated || series.Buckets.Count > MaxPoints)
        {
            return Problems.Invalid("step", $"more than {MaxPoints} points from {query.From:O} to {query.To:O}: choose a larger step or a shorter range");
        }
        var points = series.Buckets.Select(b => new HistoryPoint(b.Ts, Round(b.Value(query.Aggregate)))).ToArray();
        var view = new HistoryView(id, metric, query.StepName, query.Step is null ? null : query.Aggregate.ToString().ToLowerInvariant(), query.From, query.To,
            series.Source, series.Partial, points);
        return WantsCsv(http) ? TypedResults.Text(Csv(view), "text/csv; charset=utf-8") : TypedResults.Ok(view);
    }

    /// <summary>
    /// An asset's metric between two times, raw (<paramref name="step"/> null) or in buckets: the store's part, then
    /// memory's newer points. What the history API answers, and the NGSI-LD temporal API too.
    /// </summary>
    public static async Task<SeamedSeries> ReadAssetAsync(IGrainFactory grains, HistoryStore? store, string assetId, string metric, DateTimeOffset from,
        DateTimeOffset to, TimeSpan? step, ILoggerFactory logs, CancellationToken ct)
    {
        var memory = await grains.ByKey<IAssetGrain>(assetId).GetHistory(metric, from, to);
        return await SeamAsync(assetId, step, memory, store is null ? null : () => store.Queries.AssetAsync(assetId, metric, from, to, step, MaxPoints, ct), logs);
    }

    private static async Task<SeamedSeries> SeamAsync(string id, TimeSpan? step, HistoryPoint[] memory, Func<Task<StoredSeries>>? readStore, ILoggerFactory logs)
    {
        StoredSeries? stored = null;
        var partial = false;
        if (readStore is not null)
        {
            try
            {
                stored = await readStore();
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                // The store is away: the recent window still answers, marked partial.
                logs.CreateLogger(typeof(HistoryApi)).LogWarning(ex, "The history store did not answer; history of {Id} served from memory only", id);
                partial = true;
            }
        }
        var buckets = SeriesBucket.Seam(stored?.Buckets ?? [], stored?.StoredUpTo, memory, step);
        var fromStore = stored is { Buckets.Count: > 0 };
        var fromMemory = memory.Any(p => stored?.StoredUpTo is not { } upTo || p.Ts > upTo);
        var source = fromStore ? fromMemory ? "store+memory" : "store" : "memory";
        return new SeamedSeries(buckets, stored is { Truncated: true }, partial, source);
    }

    /// <summary>Float precision as stored (7 significant digits): 0.16 comes back as 0.16, not 0.1599999964237213.</summary>
    public static double Round(double value) => double.IsFinite(value) ? double.Parse(((float)value).ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;

    private static (HistoryQuery? Query, ValidationProblem? Problem) Parse(string? from, string? to, string? step, string? agg, DateTimeOffset now,
        TimeSpan maxRange, TimeSpan defaultRange)
    {
        var end = now;
        if (to is not null && !HistoryQuery.TryParseInstant(to, now, out end))
        {
            return (null, Problems.Invalid("to", HistoryQuery.InstantRequirement));
        }
        var start = end - defaultRange;
        if (from is not null && !HistoryQuery.TryParseInstant(from, now, out start))
        {
            return (null, Problems.Invalid("from", HistoryQuery.InstantRequirement));
        }
        if (start > end)
        {
            return (null, Problems.Invalid("from", "must not be after to"));
        }
        if (end - start > maxRange)
        {
            return (null, Problems.Invalid("from", maxRange == MemoryRange
                ? "from and to may be at most 24 h apart: history is kept in memory only (no history store is configured)"
                : $"from and to may be at most {maxRange.TotalDays:0} days apart"));
        }
        TimeSpan? width;
        if (step is null)
        {
            width = DefaultStep(start, end, now);
        }
        else if (!HistoryQuery.Steps.TryGetValue(step, out width))
        {
            return (null, Problems.Invalid("step", "must be raw, 10s, 1m, 1h or 1d"));
        }
        if (!HistoryQuery.TryParseAggregate(agg, out var aggregate))
        {
            return (null, Problems.Invalid("agg", "must be avg, min, max or last"));
        }
        return (new HistoryQuery(start, end, width, aggregate), null);
    }

    /// <summary>A node's step when none is asked: as fine as the range allows and a chart needs.</summary>
    private static TimeSpan DefaultStep(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now) =>
        from >= now - TimeSpan.FromHours(1) ? AggregateHistory.FineStep
        : to - from <= TimeSpan.FromHours(24) ? AggregateHistory.CoarseStep
        : to - from <= TimeSpan.FromDays(31) ? TimeSpan.FromHours(1)
        : TimeSpan.FromDays(1);

    private static bool WantsCsv(HttpContext http) =>
        http.Request.GetTypedHeaders().Accept is { Count: > 0 } accept
        && accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        && !accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) && a.Quality is null or >= 1);

    private static string Csv(HistoryView view)
    {
        var csv = new StringBuilder("ts,value\n");
        foreach (var point in view.Points)
        {
            csv.Append(point.Ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)).Append(',')
                .Append(point.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        return csv.ToString();
    }
}
