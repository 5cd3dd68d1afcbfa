using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using UrbanTwin.Contracts.Geo;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Gateway.NgsiLd.Entities;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

using static UrbanTwin.Gateway.NgsiLd.NgsiLdJson;
namespace UrbanTwin.Gateway.NgsiLd.Query;

/// <summary>
/// Reads a Query Entities request from the URL (<c>GET /entities</c>: <c>id</c>, <c>idPattern</c>, <c>type</c>,
/// <c>attrs</c>, <c>q</c>, <c>georel</c>, <c>geometry</c>, <c>coordinates</c>, <c>geoproperty</c>) or from a Query
/// body (<c>POST /entityOperations/query</c>: <c>entities</c>, <c>attrs</c>, <c>q</c>, <c>geoQ</c>), expanding every
/// name with the request's context. Anything malformed is BadRequestData naming the parameter or member.
/// </summary>
public static class EntityQueryReader
{
    /// <summary>The most entity ids one query may list.</summary>
    public const int MaxIds = 1000;

    public static readonly string AdministrativeAreaIri = ContextResolver.Core.Expand(EntityTypes.AdministrativeArea);

    /// <summary>Every entity type this broker has, as IRIs.</summary>
    public static readonly IReadOnlyList<string> KnownTypeIris = [.. EntityTypes.AssetTypes.Select(ContextResolver.Core.Expand), AdministrativeAreaIri];

    private static readonly string LocationIri = ContextResolver.Core.Expand("location");

    /// <summary>Attribute members that are NGSI-LD's own keywords in a q path (clause 4.9), never expanded.</summary>
    private static readonly HashSet<string> PathKeywords = new(StringComparer.Ordinal) { "observedAt", "unitCode", "datasetId", "createdAt", "modifiedAt" };

    public static EntityQuery FromUrl(IQueryCollection url, LdContext context)
    {
        string? Single(string name) => url[name] is { Count: > 0 } v ? (v.Count == 1 ? v[0] : throw Bad(name, "given more than once")) : null;
        var (type, ids, idPattern) = (Single("type"), Single("id"), Single("idPattern"));
        var selectors = type is null && ids is null && idPattern is null ? [] : new[] { Selection(type, Ids(ids, "id"), idPattern, context, "") };
        var geo = Geo(Single("georel"), Single("geometry"), Single("coordinates") is { } c ? ParseCoordinates(c) : null, Single("geoproperty"), context, "", out var other);
        var query = Build(selectors, Single("q"), NgsiLdQuery.Attrs(url["attrs"], context), geo, other, context);
        if (query.Selectors.Count == 0 && query.QText is null && query.Attrs is null && query.Geo is null && !query.GeoOnOtherProperty)
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData("too broad: a query names at least one of id, idPattern, type, attrs, q or a geo-query (georel)"));
        }
        return query;
    }

    /// <summary>A Query body (clause 5.2.23): <c>type</c> "Query", and <c>entities</c>, <c>attrs</c>, <c>q</c>, <c>geoQ</c>.</summary>
    public static EntityQuery FromBody(JsonNode body, LdContext context)
    {
        if (body is not JsonObject query)
        {
            throw Bad("body", "must be a Query object");
        }
        foreach (var (name, _) in query)
        {
            if (name is not ("type" or "entities" or "attrs" or "q" or "geoQ" or "@context" or "temporalQ" or "scopeQ" or "lang" or "csf"))
            {
                throw Bad(name, "not a member of a Query (type, entities, attrs, q, geoQ)");
            }
            if (name is "temporalQ" or "scopeQ" or "lang" or "csf")
            {
                throw new NgsiLdException(NgsiLdError.OperationNotSupported($"{name}: not supported by this broker"));
            }
        }
        if (Text(query, "type", "type") != "Query")
        {
            throw Bad("type", "must be \"Query\"");
        }
        var selectors = new List<EntitySelection>();
        if (query["entities"] is { } entities)
        {
            if (entities is not JsonArray list || list.Count == 0)
            {
                throw Bad("entities", "must be a non-empty array of entity selectors");
            }
            for (var i = 0; i < list.Count; i++)
            {
                var path = $"entities[{i}]";
                if (list[i] is not JsonObject selector)
                {
                    throw Bad(path, "must be an object with type, id or idPattern");
                }
                foreach (var (name, _) in selector)
                {
                    if (name is not ("type" or "id" or "idPattern"))
                    {
                        throw Bad($"{path}.{name}", "not a member of an entity selector (type, id, idPattern)");
                    }
                }
                var id = Text(selector, "id", $"{path}.id");
                selectors.Add(Selection(Text(selector, "type", $"{path}.type"), id is null ? null : Ids(id, $"{path}.id"), Text(selector, "idPattern", $"{path}.idPattern"), context, path + "."));
            }
        }
        IReadOnlySet<string>? attrs = null;
        if (query["attrs"] is { } attrList)
        {
            if (attrList is not JsonArray names || names.Count == 0 || names.Any(n => n is not JsonValue v || !v.TryGetValue<string>(out var s) || s.Length == 0))
            {
                throw Bad("attrs", "must be a non-empty array of attribute names");
            }
            attrs = NgsiLdQuery.Attrs(string.Join(',', names.Select(n => (string)n!)), context);
        }
        EntityGeoQuery? geo = null;
        var other = false;
        if (query["geoQ"] is { } geoQ)
        {
            geo = GeoQ(geoQ, context, out other);
        }
        return Build(selectors, Text(query, "q", "q"), attrs, geo, other, context);
    }

    /// <summary>A body's <c>geoQ</c> (a Query's, a Subscription's): geometry, coordinates (an array, or the same as text), georel, geoproperty.</summary>
    public static EntityGeoQuery GeoQ(JsonNode geoQ, LdContext context, out bool otherProperty)
    {
        if (geoQ is not JsonObject g)
        {
            throw Bad("geoQ", "must be an object with geometry, coordinates and georel");
        }
        var coordinates = g["coordinates"] switch
        {
            JsonArray array => array,
            JsonValue v when v.TryGetValue<string>(out var text) => ParseCoordinates(text, "geoQ.coordinates"),
            null => null,
            _ => throw Bad("geoQ.coordinates", "must be an array of coordinates"),
        };
        return Geo(Text(g, "georel", "geoQ.georel") ?? throw Bad("geoQ.georel", "required"), Text(g, "geometry", "geoQ.geometry"), coordinates,
            Text(g, "geoproperty", "geoQ.geoproperty"), context, "geoQ.", out otherProperty)!;
    }

    private static EntityQuery Build(IReadOnlyList<EntitySelection> selectors, string? q, IReadOnlySet<string>? attrs, EntityGeoQuery? geo, bool otherProperty, LdContext context)
    {
        QueryExpression? expression = null;
        if (q is not null)
        {
            try
            {
                expression = QueryExpression.Parse(q).MapPaths(p => p with { Names = [.. p.Names.Select((n, i) => i > 0 && PathKeywords.Contains(n) ? n : context.Expand(n))] });
            }
            catch (QuerySyntaxException ex)
            {
                throw Bad("q", ex.Message);
            }
        }
        return new EntityQuery(selectors, q, expression, attrs, geo, otherProperty, context);
    }

    private static EntitySelection Selection(string? type, IReadOnlySet<string>? ids, string? idPattern, LdContext context, string prefix)
    {
        IReadOnlySet<string>? types = null;
        if (type is not null)
        {
            TypeSelection selection;
            try
            {
                selection = TypeSelection.Parse(type);
            }
            catch (QuerySyntaxException ex)
            {
                throw Bad(prefix + "type", ex.Message);
            }
            // Each entity here has exactly one type: the selection picks the types it selects on their own.
            types = selection.SingleTypes(context.Expand);
        }
        if (idPattern is not null)
        {
            try
            {
                _ = new Regex(idPattern, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException ex)
            {
                throw Bad(prefix + "idPattern", $"not a regular expression: {ex.Message}");
            }
        }
        return new EntitySelection(types, ids, idPattern);
    }

    private static HashSet<string>? Ids(string? text, string name)
    {
        if (text is null)
        {
            return null;
        }
        var ids = text.Split(',', StringSplitOptions.TrimEntries);
        if (ids.Length > MaxIds)
        {
            throw Bad(name, $"more than {MaxIds:N0} ids");
        }
        foreach (var id in ids)
        {
            if (!Uri.TryCreate(id, UriKind.Absolute, out _))
            {
                throw Bad(name, $"'{id}' is not a URI");
            }
        }
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The geo-query of clause 4.10: <c>georel</c> <c>near;maxDistance==m</c> or <c>near;minDistance==m</c> (with a
    /// Point), <c>within</c>, <c>contains</c>, <c>intersects</c>, <c>equals</c>, <c>disjoint</c>, <c>overlaps</c>;
    /// <c>geometry</c> Point, Polygon or MultiPolygon; <c>coordinates</c> as GeoJSON writes them.
    /// </summary>
    private static EntityGeoQuery? Geo(string? georel, string? geometry, JsonNode? coordinates, string? geoproperty, LdContext context, string prefix, out bool otherProperty)
    {
        otherProperty = geoproperty is not null && context.Expand(geoproperty) != LocationIri;
        if (georel is null)
        {
            if (geometry is not null || coordinates is not null || geoproperty is not null)
            {
                throw Bad(prefix + "georel", "required with geometry, coordinates or geoproperty");
            }
            return null;
        }
        var parts = georel.Split(';');
        GeoRelation relation = parts[0] switch
        {
            "near" => GeoRelation.Near,
            "within" => GeoRelation.Within,
            "contains" => GeoRelation.Contains,
            "intersects" => GeoRelation.Intersects,
            "equals" => GeoRelation.Equals,
            "disjoint" => GeoRelation.Disjoint,
            "overlaps" => GeoRelation.Overlaps,
            _ => throw Bad(prefix + "georel", $"'{parts[0]}' is not near, within, contains, intersects, equals, disjoint or overlaps"),
        };
        double? max = null, min = null;
        foreach (var modifier in parts.Skip(1))
        {
            var kv = modifier.Split("==");
            if (relation != GeoRelation.Near || kv.Length != 2 || kv[0] is not ("maxDistance" or "minDistance")
                || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var metres) || !double.IsFinite(metres) || metres < 0)
            {
                throw Bad(prefix + "georel", $"'{modifier}': only near takes a distance, as maxDistance==<metres> or minDistance==<metres>");
            }
            if (kv[0] == "maxDistance")
            {
                max = metres;
            }
            else
            {
                min = metres;
            }
        }
        if (relation == GeoRelation.Near && max is null && min is null)
        {
            throw Bad(prefix + "georel", "near takes maxDistance==<metres> or minDistance==<metres>");
        }
        if (geometry is null || coordinates is null)
        {
            throw Bad(prefix + (geometry is null ? "geometry" : "coordinates"), "required with georel");
        }
        switch (geometry)
        {
            case "Point":
                if (coordinates is not JsonArray { Count: 2 } point || !TryNumber(point[0], out var lng) || !TryNumber(point[1], out var lat)
                    || lng is < -180 or > 180 || lat is < -90 or > 90)
                {
                    throw Bad(prefix + "coordinates", "a Point is [longitude, latitude] in degrees");
                }
                return new EntityGeoQuery(relation, new GeoPoint(lng, lat), null, max, min);
            case "Polygon" or "MultiPolygon":
                if (relation == GeoRelation.Near)
                {
                    throw Bad(prefix + "geometry", "near takes a Point");
                }
                var errors = new List<FieldError>();
                var shape = JsonSerializer.SerializeToElement(new JsonObject { ["type"] = geometry, ["coordinates"] = coordinates.DeepClone() });
                var area = BoundaryReader.Read(shape, prefix + "coordinates", errors)
                    ?? throw Bad(errors[0].Field.Replace(".coordinates.coordinates", ".coordinates", StringComparison.Ordinal), errors[0].Message);
                return new EntityGeoQuery(relation, null, area, null, null);
            default:
                throw Bad(prefix + "geometry", $"'{geometry}' is not supported: Point, Polygon or MultiPolygon");
        }
    }

    private static JsonNode ParseCoordinates(string text) => ParseCoordinates(text, "coordinates");

    private static JsonNode ParseCoordinates(string text, string name)
    {
        try
        {
            return JsonNode.Parse(text) as JsonArray ?? throw Bad(name, "must be a JSON array of coordinates");
        }
        catch (JsonException)
        {
            throw Bad(name, "must be a JSON array of coordinates, e.g. [112.55,37.87]");
        }
    }

    private static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value) && double.IsFinite(value);
    }


}
