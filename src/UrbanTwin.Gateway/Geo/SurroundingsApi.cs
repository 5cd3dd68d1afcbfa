using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Gateway.Alarms;
using UrbanTwin.Gateway.Assets;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Geo;

/// <summary>A district the incident's circle touches, with its population where the topology knows one.</summary>
public sealed record TouchedDistrictView(string Id, string Name, string? NameZh, double? Population, int? PopulationYear);

/// <summary>Assets of one kind within the circle, by status.</summary>
public sealed record KindCountsView(int Total, int Normal, int Warning, int Alarm, int Offline);

/// <summary>
/// What lies around an alarm: the assets within the radius of its asset (nearest first, counted by kind and status),
/// and the districts the circle touches with their known population. <c>truncated</c> when more assets lie within
/// the radius than <see cref="SurroundingsApi.MaxAssets"/> (the counts are then of those listed).
/// </summary>
public sealed record SurroundingsView(AlarmView Alarm, GeoPoint Centre, double RadiusM, int AssetCount, bool Truncated,
    Dictionary<string, KindCountsView> ByKind, AssetListItemView[] Assets, TouchedDistrictView[] Districts, double KnownPopulation, bool Stale);

public static class SurroundingsApi
{
    public const int MaxAssets = 5_000;
    public const double DefaultRadiusM = 500;

    public static RouteGroupBuilder MapSurroundingsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/alarms/{id}/surroundings", Surroundings).WithTags("Alarms")
            .WithSummary("What lies around an alarm: assets within ?radius= metres (default 500) of its asset, nearest first and counted by kind and "
                + "status, and the districts the circle touches with their population.");
        return api;
    }

    private static async Task<Results<Ok<SurroundingsView>, ProblemHttpResult, ValidationProblem>> Surroundings(string id, string? radius, Caller caller,
        NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, HttpContext context, CancellationToken ct)
    {
        var metres = DefaultRadiusM;
        if (radius is not null && (!double.TryParse(radius, NumberStyles.Float, CultureInfo.InvariantCulture, out metres)
            || !double.IsFinite(metres) || metres <= 0 || metres > AssetGeoSearch.MaxRadiusM))
        {
            return Problems.Invalid("radius", $"metres, more than 0 and at most {AssetGeoSearch.MaxRadiusM:N0}");
        }
        if (await AlarmsApi.FindAsync(id, caller, directory, grains, reads, ct) is not { } found)
        {
            return Problems.NotFound("alarm", id);
        }
        if (found.Problem is { } outOfScope)
        {
            return outOfScope;
        }
        var tree = await directory.GetAsync(ct);
        var centre = found.Read.Value!.Definition.Location;
        var freshness = Freshness.Of(found.Read);

        var assets = new List<AssetListItemView>();
        string? cursor = null;
        do
        {
            var page = await AssetGeoSearch.NearAsync(tree, caller.Districts(tree), new NearPoint(centre.Lng, centre.Lat, metres),
                new AssetFilter(null, null, AssetFilter.MaxPageSize), cursor, grains, reads, clock, ct);
            freshness = freshness.And(new ReadResult<object?>(null, page.Freshness.AsOf, page.Freshness.Stale));
            assets.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null && assets.Count < MaxAssets);

        var listed = assets.Take(MaxAssets).ToArray();
        var byKind = listed.GroupBy(a => a.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => new KindCountsView(g.Count(),
            g.Count(a => a.Status == AssetStatus.Normal), g.Count(a => a.Status == AssetStatus.Warning), g.Count(a => a.Status == AssetStatus.Alarm),
            g.Count(a => a.Status == AssetStatus.Offline)), StringComparer.Ordinal);

        var circle = Circle(centre, metres);
        var districts = new List<TouchedDistrictView>();
        foreach (var district in tree.Areas.Intersecting(circle).Where(n => n.Kind == NodeKind.District && caller.Sees(tree, n.Id)))
        {
            var summary = await NodesApi.ReadSummaryAsync(reads, grains, district, ct);
            freshness = freshness.And(summary);
            var population = summary.Value is { } s ? NodeView.From(s, district).Indicators.GetValueOrDefault("population") : null;
            districts.Add(new TouchedDistrictView(district.Id, district.Name, district.NameZh, population?.Value, population?.Year));
        }
        freshness.Describe(context, clock);
        return TypedResults.Ok(new SurroundingsView(AlarmView.From(found.Alarm, tree), centre, metres, listed.Length, cursor is not null || assets.Count > MaxAssets,
            byKind, listed, [.. districts], districts.Sum(d => d.Population ?? 0), freshness.Stale));
    }

    /// <summary>The circle as a 72-gon of points at the radius (great-circle destinations), for the districts it touches.</summary>
    private static Polygon Circle(GeoPoint centre, double metres)
    {
        const int sides = 72;
        var angular = metres / GreatCircle.EarthRadiusM;
        var (lat1, lng1) = (centre.Lat * Math.PI / 180, centre.Lng * Math.PI / 180);
        var points = new Coordinate[sides + 1];
        for (var i = 0; i < sides; i++)
        {
            var bearing = 2 * Math.PI * i / sides;
            var lat2 = Math.Asin(Math.Sin(lat1) * Math.Cos(angular) + Math.Cos(lat1) * Math.Sin(angular) * Math.Cos(bearing));
            var lng2 = lng1 + Math.Atan2(Math.Sin(bearing) * Math.Sin(angular) * Math.Cos(lat1), Math.Cos(angular) - Math.Sin(lat1) * Math.Sin(lat2));
            points[i] = new Coordinate(lng2 * 180 / Math.PI, lat2 * 180 / Math.PI);
        }
        points[sides] = points[0];
        return Shapes.Factory.CreatePolygon(points);
    }
}
