using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Geo;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Gateway.Assets;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;
using ApiJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace UrbanTwin.Gateway.Geo;

/// <summary>A point and a radius in metres.</summary>
public sealed record NearPoint(double Lng, double Lat, double RadiusM);

/// <summary>Where an asset search looks: near a point, or in an area (a box or a polygon).</summary>
public sealed record AssetPlace(NearPoint? Near, GeoBoundary? Area);

/// <summary>The body of <c>POST /assets/search</c>; every field nullable so that validation names what is wrong.</summary>
public sealed class AssetSearchDocument
{
    /// <summary>A GeoJSON Polygon or MultiPolygon (lng/lat).</summary>
    public JsonElement? Geometry { get; set; }

    /// <summary><c>within</c> (default: strictly inside) or <c>intersects</c> (inside or on the edge).</summary>
    public string? Relation { get; set; }

    public string? Node { get; set; }
    public string? Kind { get; set; }
    public string? Status { get; set; }
    public int? Limit { get; set; }
    public string? Cursor { get; set; }
}

/// <summary>
/// Asset searches by place. The gateway sends a query only to the districts whose boundary box (widened by
/// <see cref="RoutingMarginDegrees"/>) meets the query's area: for <c>near</c> all at once, each answering from its
/// assets sorted by longitude, merged nearest first; for an area one district after another in id order, each walking
/// its assets in id order (<see cref="Assets.DistrictPages"/>).
/// </summary>
public static class AssetGeoSearch
{
    public const double MaxRadiusM = 50_000;

    /// <summary>
    /// About 5 km: an asset may lie a little outside its district's polygon (the polygons are schematic and registration
    /// does not check locations yet), so a district is asked when the query comes this close to its box.
    /// </summary>
    public const double RoutingMarginDegrees = 0.05;

    public static bool TryParse(string? near, string? radius, string? bbox, out AssetPlace? place, out ValidationProblem? problem)
    {
        place = null;
        problem = null;
        if (near is not null && bbox is not null)
        {
            problem = Problems.Invalid("bbox", "a search is near a point or in a box, not both");
            return false;
        }
        if (near is not null)
        {
            if (!GeoQuery.TryPoint(near, "near", out var lng, out var lat, out problem))
            {
                return false;
            }
            if (radius is null || !double.TryParse(radius, NumberStyles.Float, CultureInfo.InvariantCulture, out var metres)
                || !double.IsFinite(metres) || metres <= 0 || metres > MaxRadiusM)
            {
                problem = Problems.Invalid("radius", $"required with near: metres, more than 0 and at most {MaxRadiusM:N0}");
                return false;
            }
            place = new AssetPlace(new NearPoint(lng, lat, metres), null);
            return true;
        }
        if (radius is not null)
        {
            problem = Problems.Invalid("radius", "only with near=lng,lat");
            return false;
        }
        if (bbox is not null)
        {
            var parts = bbox.Split(',');
            var numbers = new double[4];
            if (parts.Length != 4 || parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i])).Any(ok => !ok)
                || numbers.Any(n => !double.IsFinite(n)) || numbers[0] < -180 || numbers[2] > 180 || numbers[1] < -90 || numbers[3] > 90
                || numbers[0] >= numbers[2] || numbers[1] >= numbers[3])
            {
                problem = Problems.Invalid("bbox", "minLng,minLat,maxLng,maxLat in degrees, min below max (e.g. 112.5,37.7,112.6,37.8)");
                return false;
            }
            var (minLng, minLat, maxLng, maxLat) = (numbers[0], numbers[1], numbers[2], numbers[3]);
            place = new AssetPlace(null, new GeoBoundary([[[minLng, minLat, maxLng, minLat, maxLng, maxLat, minLng, maxLat, minLng, minLat]]]));
        }
        return true;
    }

    /// <summary>Assets within the radius, nearest first (ties by id), each with its distance; the cursor is the last one's distance and id.</summary>
    public static async Task<AssetSearchPage> NearAsync(NodeDirectory.Tree tree, List<string> districts, NearPoint centre, AssetFilter filter, string? cursor,
        IGrainFactory grains, LastSeenReads reads, TimeProvider clock, CancellationToken ct)
    {
        double? afterDistance = null;
        string? afterId = null;
        if (cursor is not null)
        {
            if (!TryDecodeNear(cursor, out var distance, out var id))
            {
                return AssetSearchPage.BadCursor;
            }
            (afterDistance, afterId) = (distance, id);
        }
        var (minLng, minLat, maxLng, maxLat) = GreatCircle.BoxAround(centre.Lng, centre.Lat, centre.RadiusM);
        var asked = Meeting(tree, districts, new Envelope(minLng, maxLng, minLat, maxLat));
        // Each district answers its own first `limit`: the page's `limit` nearest are among them.
        var query = new AssetNearQuery(centre.Lng, centre.Lat, centre.RadiusM, filter.Kind, filter.Status, afterDistance, afterId, filter.Limit + 1);
        var answers = await Task.WhenAll(asked.Select(d => reads.GetAsync($"near:{d}:{query}", () => grains.ByKey<IDistrictGrain>(d).SearchNear(query), ct)));
        var freshness = Freshness.Of(answers, clock.GetUtcNow());
        var found = answers.SelectMany(a => a.Value).OrderBy(f => f.DistanceM).ThenBy(f => f.Item.Id, StringComparer.Ordinal).ToList();
        var page = found.Take(filter.Limit).Select(f => AssetListItemView.From(f.Item) with { DistanceM = Math.Round(f.DistanceM, 2) }).ToArray();
        var next = found.Count > filter.Limit ? EncodeNear(found[filter.Limit - 1].DistanceM, found[filter.Limit - 1].Item.Id) : null;
        return new AssetSearchPage(page, next, freshness);
    }

    /// <summary>Assets in the area: the districts that may hold some in id order, each's assets in id order (the cursor as for the plain search).</summary>
    public static Task<AssetSearchPage> InAreaAsync(NodeDirectory.Tree tree, List<string> districts, GeoBoundary area, bool includeEdge, AssetFilter filter,
        string? cursor, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, CancellationToken ct)
    {
        var asked = Meeting(tree, districts, Shapes.ToGeometry(area).EnvelopeInternal);
        return DistrictPages.ReadAsync(asked, cursor, filter.Limit, clock, (district, afterId, limit) =>
        {
            var query = new AssetAreaQuery(area, includeEdge, filter.Kind, filter.Status, afterId, limit);
            return reads.GetAsync($"area:{district}:{Key(query)}", () => grains.ByKey<IDistrictGrain>(district).SearchArea(query), ct);
        });
    }

    /// <summary><c>POST /assets/search</c>: a polygon and the usual filters in a JSON body.</summary>
    public static async Task<Results<Ok<AssetPageView>, ProblemHttpResult, ValidationProblem, ContentHttpResult>> SearchAsync(HttpRequest request, Caller caller,
        NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, IOptions<IngestOptions> options,
        IOptions<ApiJsonOptions> json, CancellationToken ct)
    {
        var read = await RequestBody.ReadJsonAsync<AssetSearchDocument>(request, options.Value.MaxBodyBytes, SearchJson, ct);
        if (read.TooLarge is { } tooLarge)
        {
            return tooLarge;
        }
        if (read.Malformed is { } malformed)
        {
            return malformed;
        }
        if (read.Value is not { } search)
        {
            return Problems.Invalid("body", "must be a search: {\"geometry\": <GeoJSON Polygon or MultiPolygon>, \"relation\": \"within\"|\"intersects\", ...}");
        }
        if (search.Geometry is not { ValueKind: JsonValueKind.Object } geometry)
        {
            return Problems.Invalid("geometry", "required: a GeoJSON Polygon or MultiPolygon");
        }
        var errors = new List<FieldError>();
        if (BoundaryReader.Read(geometry, "geometry", errors) is not { } area)
        {
            return Problems.Invalid(errors);
        }
        if (search.Relation is not (null or "within" or "intersects"))
        {
            return Problems.Invalid("relation", "within (strictly inside, the default) or intersects (inside or on the edge)");
        }
        if (!AssetFilter.TryParse(search.Kind, search.Status, search.Limit?.ToString(CultureInfo.InvariantCulture), out var filter, out var badFilter))
        {
            return badFilter!;
        }
        var tree = await directory.GetAsync(ct);
        if (!caller.TryDistricts(tree, search.Node, out var districts, out var problem))
        {
            return problem;
        }
        var page = await InAreaAsync(tree, districts, area, search.Relation == "intersects", filter, search.Cursor, grains, reads, clock, ct);
        return page.Answer(request.HttpContext, clock, json.Value);
    }

    /// <summary>The page's assets as point Features, their JSON fields as properties.</summary>
    public static FeatureCollection Collection(IEnumerable<AssetListItemView> items, ApiJsonOptions json)
    {
        var collection = new FeatureCollection();
        foreach (var item in items)
        {
            collection.Add(GeoJson.Feature(GeoJson.Point(item.Location.Lng, item.Location.Lat), item, json.SerializerOptions));
        }
        return collection;
    }

    private static readonly JsonSerializerOptions SearchJson = new(Domain.Topology.TopologyDocument.JsonOptions);

    /// <summary>The districts (of those the caller may search) whose boundary box, widened, meets the area; districts without a boundary always.</summary>
    internal static List<string> Meeting(NodeDirectory.Tree tree, List<string> districts, Envelope area)
    {
        var widened = new Envelope(area);
        widened.ExpandBy(RoutingMarginDegrees);
        return [.. districts.Where(id => tree.Areas.Box(id) is not { } box || box.Intersects(widened))];
    }

    /// <summary>An area query's cache key: the area by a hash of its coordinates (they can be many), the rest as written.</summary>
    private static string Key(AssetAreaQuery q)
    {
        var hash = new HashCode();
        foreach (var value in q.Area.Polygons.SelectMany(p => p).SelectMany(r => r))
        {
            hash.Add(value);
        }
        return $"{hash.ToHashCode():x8}:{q.Area.VertexCount}:{q.IncludeEdge}:{q.Kind}:{q.Status}:{q.AfterId}:{q.Limit}";
    }

    private static string EncodeNear(double distance, string id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"near\n{distance:R}\n{id}")));

    private static bool TryDecodeNear(string cursor, out double distance, out string id)
    {
        (distance, id) = (0, "");
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('\n');
            if (parts is ["near", var d, { Length: > 0 } i] && double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out distance) && double.IsFinite(distance))
            {
                id = i;
                return true;
            }
        }
        catch (FormatException)
        {
        }
        return false;
    }
}
