using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.NgsiLd.Entities;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.NgsiLd.Query;

/// <summary>
/// Query Entities (clause 6.4.3.2, <c>GET /entities</c>) and its POST form (clause 6.23.3.1,
/// <c>POST /entityOperations/query</c>): entities in id order, <c>limit</c> (default 20, at most 1,000: more is
/// TooManyResults) after <c>offset</c>, <c>count=true</c> adding the total as <c>NGSILD-Results-Count</c>; an array
/// of entities, or a GeoJSON FeatureCollection for <c>Accept: application/geo+json</c>.
/// </summary>
public static class QueryEntitiesApi
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 1000;
    public const string CountHeader = "NGSILD-Results-Count";

    private static readonly string[] UrlParameters = ["id", "idPattern", "type", "attrs", "q", "georel", "geometry", "coordinates", "geoproperty",
        "limit", "offset", "count", "options", "local"];

    public static RouteGroupBuilder MapNgsiLdQuery(this RouteGroupBuilder ngsi)
    {
        ngsi.MapGet("/entities", QueryAsync).ExcludeFromDescription();
        ngsi.MapPost("/entityOperations/query", QueryPostAsync).ExcludeFromDescription();
        return ngsi;
    }

    private static async Task<IResult> QueryAsync(HttpContext http, Caller caller, ContextResolver contexts, EntityQueryRunner runner, CancellationToken ct)
    {
        var request = await NgsiLdRequest.ReadAsync(http, contexts, ct);
        var url = http.Request.Query;
        NgsiLdQuery.RefuseUnknown(url, UrlParameters);
        var query = EntityQueryReader.FromUrl(url, request.Context);
        return await AnswerAsync(http, request, query, caller, runner, ct);
    }

    private static async Task<IResult> QueryPostAsync(HttpContext http, Caller caller, ContextResolver contexts, EntityQueryRunner runner,
        IOptions<IngestOptions> limits, CancellationToken ct)
    {
        var (request, body) = await NgsiLdRequest.ReadWithBodyAsync(http, contexts, limits.Value.MaxBodyBytes, ct);
        NgsiLdQuery.RefuseUnknown(http.Request.Query, "limit", "offset", "count", "options", "local");
        var query = EntityQueryReader.FromBody(body, request.Context);
        return await AnswerAsync(http, request, query, caller, runner, ct);
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, NgsiLdRequest request, EntityQuery query, Caller caller, EntityQueryRunner runner, CancellationToken ct)
    {
        var url = http.Request.Query;
        var (keyValues, _) = NgsiLdQuery.Options(url["options"]);
        var (offset, limit, count) = Paging(url);
        var result = await runner.RunAsync(query, offset, limit, caller, ct);
        if (count)
        {
            http.Response.Headers[CountHeader] = result.Count.ToString(CultureInfo.InvariantCulture);
        }
        var entities = result.Page.Select(e => e.Render(request.AnswerContext, keyValues, query.Attrs, request.BodyContext)).ToList();
        JsonNode body = request.IsGeoJson
            ? new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray([.. entities.Select(e => (JsonNode)EntitiesApi.Feature(e, keyValues))]) }
            : new JsonArray([.. entities]);
        return request.Answer(body);
    }

    /// <summary><c>offset</c> (≥ 0), <c>limit</c> (0 only with <c>count=true</c>; over <see cref="MaxLimit"/> TooManyResults), <c>count</c>.</summary>
    internal static (int Offset, int Limit, bool Count) Paging(IQueryCollection url)
    {
        var count = url["count"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            var other => throw new NgsiLdException(NgsiLdError.BadRequestData($"count: '{other}' is not true or false")),
        };
        var offset = Integer(url, "offset", 0);
        var limit = Integer(url, "limit", DefaultLimit);
        if (limit > MaxLimit)
        {
            throw new NgsiLdException(NgsiLdError.TooManyResults($"limit: {limit:N0} is over the {MaxLimit:N0} entities one page may hold"));
        }
        if (limit == 0 && !count)
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData("limit: 0 only with count=true (it asks for the count alone)"));
        }
        return (offset, limit, count);
    }

    private static int Integer(IQueryCollection url, string name, int otherwise)
    {
        if (url[name] is not { Count: > 0 } value)
        {
            return otherwise;
        }
        return value.Count == 1 && int.TryParse(value[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new NgsiLdException(NgsiLdError.BadRequestData($"{name}: '{value}' is not a whole number of 0 or more"));
    }
}
