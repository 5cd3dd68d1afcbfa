using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Demo;

/// <summary>
/// The deterministic set of demonstration assets: 20–50 per district, every kind present, placed within a few
/// kilometres of the district seat and inside the district's boundary. The same seed gives the same assets, so
/// seeding is idempotent.
/// </summary>
public static class AssetPlan
{
    public const int DefaultSeed = 20_201_101;

    private static readonly (string Kind, string Short, int Weight)[] Mix =
    [
        (AssetCatalog.GasPipeline, "gas", 6),
        (AssetCatalog.WaterMain, "water", 5),
        (AssetCatalog.DrainagePipe, "drain", 4),
        (AssetCatalog.WaterloggingPoint, "flood", 3),
        (AssetCatalog.HeatingPipe, "heat", 4),
        (AssetCatalog.Bridge, "bridge", 1),
        (AssetCatalog.UtilityTunnel, "tunnel", 1),
        (AssetCatalog.AirQualityStation, "air", 1),
    ];

    /// <summary>Structure-specific bridge thresholds the generated bridges bring with them.</summary>
    public static readonly Dictionary<string, ThresholdRule[]> BridgeThresholds = new(StringComparer.Ordinal)
    {
        ["strain"] = [new(AlarmLevel.Warning, Comparison.Gte, 300, 20), new(AlarmLevel.Alarm, Comparison.Gte, 400, 20)],
        ["deflection"] = [new(AlarmLevel.Warning, Comparison.Gte, 30, 2), new(AlarmLevel.Alarm, Comparison.Gte, 40, 2)],
        ["tilt"] = [new(AlarmLevel.Warning, Comparison.Gte, 0.5, 0.05), new(AlarmLevel.Alarm, Comparison.Gte, 1.0, 0.05)],
    };

    public static IEnumerable<AssetDefinition> For(IEnumerable<NodeDefinition> nodes, int seed = DefaultSeed)
    {
        foreach (var district in nodes.Where(n => n.Kind == NodeKind.District && n.Location is not null))
        {
            foreach (var asset in ForDistrict(district, seed))
            {
                yield return asset;
            }
        }
    }

    public static IEnumerable<AssetDefinition> ForDistrict(NodeDefinition district, int seed = DefaultSeed)
    {
        var random = new Random(unchecked((int)DeterministicHash.Of(district.Id) ^ seed));
        var area = district.Boundary is { } boundary ? PreparedGeometryFactory.Prepare(Shapes.ToGeometry(boundary)) : null;
        var count = random.Next(20, 51);
        var totalWeight = Mix.Sum(m => m.Weight);
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            // The first assets cover every kind once; the rest follow the weighted mix.
            var (kind, shortName, _) = i < Mix.Length ? Mix[i] : Pick(random.Next(totalWeight));
            var number = numbers[kind] = numbers.GetValueOrDefault(kind) + 1;
            var id = $"{district.Id}-{shortName}-{number:000}";
            var location = Inside(area, district.Location!, Near(district.Location!, random), id);
            var definition = AssetCatalog.Get(kind);
            yield return new AssetDefinition(
                id, kind, district.Id,
                $"{district.Name} {definition.Title} {number}", location, definition.ReportingIntervalSeconds,
                kind == AssetCatalog.Bridge ? BridgeThresholds : [], new Dictionary<string, string> { ["generated"] = "true" });
        }
    }

    /// <summary>A point within a few kilometres of the seat (0.08° by 0.06°, about 7 km square).</summary>
    private static GeoPoint Near(GeoPoint seat, Random random) => new(
        Math.Round(seat.Lng + (random.NextDouble() - 0.5) * 0.08, 6),
        Math.Round(seat.Lat + (random.NextDouble() - 0.5) * 0.06, 6));

    /// <summary>
    /// The first point inside the district: the one drawn, else others drawn from a generator of the asset's own (so the
    /// district's sequence, and with it every asset's kind and id, stays as it was before boundaries), else the seat.
    /// </summary>
    private static GeoPoint Inside(IPreparedGeometry? area, GeoPoint seat, GeoPoint drawn, string assetId)
    {
        if (area is null || Covers(area, drawn))
        {
            return drawn;
        }
        var retry = new Random(unchecked((int)DeterministicHash.Of(assetId)));
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var point = Near(seat, retry);
            if (Covers(area, point))
            {
                return point;
            }
        }
        return seat;
    }

    private static bool Covers(IPreparedGeometry area, GeoPoint point) =>
        area.Covers(Shapes.Factory.CreatePoint(new Coordinate(point.Lng, point.Lat)));

    private static (string Kind, string Short, int Weight) Pick(int roll)
    {
        foreach (var entry in Mix)
        {
            if (roll < entry.Weight)
            {
                return entry;
            }
            roll -= entry.Weight;
        }
        return Mix[0];
    }
}
