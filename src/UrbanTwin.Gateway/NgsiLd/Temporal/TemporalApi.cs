using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using UrbanTwin.Domain.History;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Gateway.History;
using UrbanTwin.Gateway.NgsiLd.Entities;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.NgsiLd.Query;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;
using UrbanTwin.History;

using static UrbanTwin.Gateway.NgsiLd.NgsiLdJson;
namespace UrbanTwin.Gateway.NgsiLd.Temporal;

/// <summary>
/// Retrieve the temporal evolution of an entity (clause 6.19.3.1, <c>GET /temporal/entities/{entityId}</c>): an asset's
/// metrics as they were observed, from the history store and the asset's recent readings (as the history API reads
/// them). <c>timerel</c> before/after/between with <c>timeAt</c>/<c>endTimeAt</c> (none: everything kept), <c>attrs</c>,
/// <c>lastN</c>; normalized (each instance a Property with <c>observedAt</c>), <c>options=temporalValues</c>
/// (<c>values</c>: [value, time] pairs) or <c>options=aggregatedValues</c> with <c>aggrMethods</c> (totalCount, sum,
/// avg, min, max) per <c>aggrPeriodDuration</c> (an ISO 8601 duration; none: the whole interval), each
/// [value, start, end]. Only the metrics have a history; the other attributes are not answered.
/// </summary>
public static class TemporalApi
{
    /// <summary>The most instances one attribute answers (as the history API's points): more is TooManyResults.</summary>
    public const int MaxInstances = HistoryApi.MaxPoints;

    private static readonly string[] Parameters = ["attrs", "timerel", "timeAt", "endTimeAt", "lastN", "options", "aggrMethods", "aggrPeriodDuration",
        "timeproperty", "type"];

    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal) { "totalCount", "sum", "avg", "min", "max" };

    public static RouteGroupBuilder MapNgsiLdTemporal(this RouteGroupBuilder ngsi)
    {
        ngsi.MapGet("/temporal/entities/{entityId}", RetrieveAsync).ExcludeFromDescription();
        return ngsi;
    }

    private static async Task<IResult> RetrieveAsync(string entityId, HttpContext http, Caller caller, ContextResolver contexts, NodeDirectory directory,
        IGrainFactory grains, LastSeenReads reads, TimeProvider clock, IServiceProvider services, ILoggerFactory logs, CancellationToken ct)
    {
        var request = await NgsiLdRequest.ReadAsync(http, contexts, ct);
        var url = http.Request.Query;
        NgsiLdQuery.RefuseUnknown(url, Parameters);
        var options = Split(url["options"]);
        foreach (var option in options.Where(o => o is not ("temporalValues" or "aggregatedValues" or "sysAttrs")))
        {
            throw Bad("options", $"'{option}' is not temporalValues, aggregatedValues or sysAttrs");
        }
        var (temporalValues, aggregated) = (options.Contains("temporalValues"), options.Contains("aggregatedValues"));
        if (temporalValues && aggregated)
        {
            throw Bad("options", "temporalValues and aggregatedValues exclude each other");
        }
        if (url["timeproperty"] is { Count: > 0 } timeProperty && timeProperty.ToString() != "observedAt")
        {
            throw new NgsiLdException(NgsiLdError.OperationNotSupported($"timeproperty: {timeProperty}: this broker keeps the times values were observed at only"));
        }
        var store = services.GetService<HistoryStore>();
        var now = clock.GetUtcNow();
        var (from, to, excludeFrom, excludeTo) = Interval(url, now, store is null ? TimeSpan.FromHours(24) : TimeSpan.FromDays(731));
        // An open end is a microsecond in (the store keeps microseconds): the reads include both ends.
        var (first, end) = (excludeFrom ? from.AddTicks(10) : from, excludeTo ? to.AddTicks(-10) : to);
        var lastN = url["lastN"] is { Count: > 0 } n ? (int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last > 0 ? last
            : throw Bad("lastN", "a whole number of 1 or more")) : (int?)null;
        var methods = aggregated ? AggregationMethods(url["aggrMethods"]) : url["aggrMethods"].Count > 0 ? throw Bad("aggrMethods", "only with options=aggregatedValues") : [];
        var period = aggregated ? Period(url["aggrPeriodDuration"]) : url["aggrPeriodDuration"].Count > 0
            ? throw Bad("aggrPeriodDuration", "only with options=aggregatedValues") : null;
        var attrs = NgsiLdQuery.Attrs(url["attrs"], request.Context);
        if (!Uri.TryCreate(entityId, UriKind.Absolute, out _))
        {
            throw Bad("entityId", $"'{entityId}' is not a URI");
        }
        var entity = await EntitiesApi.FindAsync(entityId, caller, directory, grains, reads, clock, ct)
            ?? throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{entityId}: no such entity"));
        if (url["type"] is { Count: > 0 } type && request.Context.Expand(type.ToString()) != entity.TypeIri)
        {
            throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{entityId}: no such entity of type {type}"));
        }
        if (EntityTypes.KindOf(ContextResolver.Core.Compact(entity.TypeIri)) is not { } kind)
        {
            throw new NgsiLdException(NgsiLdError.OperationNotSupported(entity.TypeIri == EntityQueryReader.AdministrativeAreaIri
                ? $"{entityId}: the temporal evolution of an administrative area is read through /api/v1/nodes/{{id}}/history"
                : $"{entityId}: only the assets' metrics have a history here; an entity of another type keeps its latest attributes only"));
        }
        var assetId = EntityTypes.Parse(entityId)!.Value.Key;
        var context = request.AnswerContext;
        var body = new JsonObject { ["id"] = entity.Id, ["type"] = context.Compact(entity.TypeIri) };
        foreach (var metric in AssetCatalog.Get(kind).Metrics)
        {
            var iri = ContextResolver.Core.Expand(metric.Name);
            if (attrs is not null && !attrs.Contains(iri))
            {
                continue;
            }
            var step = aggregated ? period ?? TimeSpan.FromHours(1) : (TimeSpan?)null;
            var series = await HistoryApi.ReadAssetAsync(grains, store, assetId, metric.Name, first, end, step, logs, ct);
            if (series.Truncated || series.Buckets.Count > MaxInstances)
            {
                throw new NgsiLdException(NgsiLdError.TooManyResults(
                    $"{metric.Name}: more than {MaxInstances:N0} instances between {from:O} and {to:O}: narrow the interval, or ask lastN or aggregatedValues"));
            }
            var buckets = series.Buckets;
            if (buckets.Count == 0)
            {
                continue;
            }
            var unitCode = EntityTypes.UnitCode(metric.Unit);
            body[context.Compact(iri)] = aggregated
                ? Aggregated(period is null ? [Whole(buckets, from)] : buckets, methods, period ?? to - from, to)
                : Instances(lastN is { } keep ? buckets.TakeLast(keep) : buckets, temporalValues, unitCode);
        }
        if (request.BodyContext is { } bodyContext)
        {
            body["@context"] = bodyContext;
        }
        return request.Answer(body);
    }

    /// <summary>Each instance: normalized, a Property with its observedAt; simplified (temporalValues), [value, time] pairs.</summary>
    private static JsonNode Instances(IEnumerable<SeriesBucket> points, bool temporalValues, string? unitCode)
    {
        if (temporalValues)
        {
            return new JsonObject
            {
                ["type"] = "Property",
                ["values"] = new JsonArray([.. points.Select(p => (JsonNode)new JsonArray(HistoryApi.Round(p.Last), NgsiEntity.Timestamp(p.LastAt)))]),
            };
        }
        return new JsonArray([.. points.Select(p =>
        {
            var instance = new JsonObject { ["type"] = "Property", ["value"] = HistoryApi.Round(p.Last), ["observedAt"] = NgsiEntity.Timestamp(p.LastAt) };
            if (unitCode is not null)
            {
                instance["unitCode"] = unitCode;
            }
            return (JsonNode)instance;
        })]);
    }

    /// <summary>Each method's [value, start, end] per period (clause 4.5.19).</summary>
    private static JsonObject Aggregated(List<SeriesBucket> periods, IReadOnlyList<string> methods, TimeSpan width, DateTimeOffset end)
    {
        var attribute = new JsonObject { ["type"] = "Property" };
        foreach (var method in methods)
        {
            attribute[method] = new JsonArray([.. periods.Select(p => (JsonNode)new JsonArray(Value(p, method), NgsiEntity.Timestamp(p.Ts),
                NgsiEntity.Timestamp(p.Ts + width < end ? p.Ts + width : end)))]);
        }
        return attribute;
    }

    private static JsonNode Value(SeriesBucket bucket, string method) => method switch
    {
        "totalCount" => bucket.Count,
        "sum" => HistoryApi.Round(bucket.Sum),
        "avg" => HistoryApi.Round(bucket.Sum / bucket.Count),
        "min" => HistoryApi.Round(bucket.Min),
        _ => HistoryApi.Round(bucket.Max),
    };

    /// <summary>The whole interval as one period: its hours merged, starting at the interval's start.</summary>
    private static SeriesBucket Whole(List<SeriesBucket> buckets, DateTimeOffset from) =>
        buckets.Skip(1).Aggregate(buckets[0], (all, b) => all.Merge(b)) with { Ts = from };

    /// <summary>
    /// The interval <c>timerel</c> names: before <c>timeAt</c>, after it, or between it and <c>endTimeAt</c>; none: all
    /// that is kept (<paramref name="kept"/> back from now). Which ends are open.
    /// </summary>
    private static (DateTimeOffset From, DateTimeOffset To, bool ExcludeFrom, bool ExcludeTo) Interval(IQueryCollection url, DateTimeOffset now, TimeSpan kept)
    {
        var timerel = url["timerel"].ToString();
        DateTimeOffset At(string name) => url[name] is { Count: 1 } v && DateTimeOffset.TryParse(v[0], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            && v[0]!.Contains('T', StringComparison.Ordinal) ? t : throw Bad(name, "required with this timerel: an RFC 3339 date-time, e.g. 2026-12-03T08:00:00Z");
        (DateTimeOffset, DateTimeOffset, bool, bool) interval = timerel switch
        {
            "" when url["timeAt"].Count > 0 || url["endTimeAt"].Count > 0 => throw Bad("timerel", "required with timeAt: before, after or between"),
            "" => (now - kept, now, false, false),
            "before" => (At("timeAt") - kept, At("timeAt"), false, true),
            "after" => (At("timeAt"), now, true, false),
            "between" => (At("timeAt"), At("endTimeAt"), false, true),
            _ => throw Bad("timerel", $"'{timerel}' is not before, after or between"),
        };
        if (timerel != "between" && url["endTimeAt"].Count > 0)
        {
            throw Bad("endTimeAt", "only with timerel=between");
        }
        if (interval.Item2 < interval.Item1)
        {
            throw Bad("endTimeAt", "must not be before timeAt");
        }
        if (interval.Item2 - interval.Item1 > kept)
        {
            throw Bad("timeAt", $"the interval may be at most {kept.TotalDays:0.#} days long (what is kept)");
        }
        return interval;
    }

    private static List<string> AggregationMethods(Microsoft.Extensions.Primitives.StringValues given)
    {
        var methods = Split(given);
        if (methods.Count == 0)
        {
            throw Bad("aggrMethods", "required with options=aggregatedValues: totalCount, sum, avg, min, max");
        }
        foreach (var method in methods)
        {
            if (method is "distinctCount" or "stddev" or "sumsq")
            {
                throw new NgsiLdException(NgsiLdError.OperationNotSupported($"aggrMethods: {method} is not supported by this broker (totalCount, sum, avg, min, max)"));
            }
            if (!Methods.Contains(method))
            {
                throw Bad("aggrMethods", $"'{method}' is not totalCount, distinctCount, sum, avg, min, max, stddev or sumsq");
            }
        }
        return methods;
    }

    /// <summary>An ISO 8601 duration of a second or more; absent (or zero, P0D): the whole interval.</summary>
    private static TimeSpan? Period(Microsoft.Extensions.Primitives.StringValues given)
    {
        if (given.Count == 0)
        {
            return null;
        }
        try
        {
            var period = XmlConvert.ToTimeSpan(given.ToString());
            return period == TimeSpan.Zero ? null : period >= TimeSpan.FromSeconds(1) ? period : throw Bad("aggrPeriodDuration", "at least a second (PT1S)");
        }
        catch (FormatException)
        {
            throw Bad("aggrPeriodDuration", $"'{given}' is not an ISO 8601 duration, e.g. PT1H or P1D");
        }
    }

    private static List<string> Split(Microsoft.Extensions.Primitives.StringValues values) =>
        [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries)).Where(v => v.Length > 0)];

}
