using NetTopologySuite;
using NetTopologySuite.Geometries;
using UrbanTwin.Contracts.Geo;

namespace UrbanTwin.Domain.Geo;

/// <summary>Boundaries as NetTopologySuite geometries (lng/lat degrees, SRID 4326) and back.</summary>
public static class Shapes
{
    public static readonly GeometryFactory Factory = NtsGeometryServices.Instance.CreateGeometryFactory(srid: 4326);

    /// <summary>A Polygon when the boundary has one polygon, a MultiPolygon otherwise.</summary>
    public static Geometry ToGeometry(GeoBoundary boundary)
    {
        var polygons = boundary.Polygons.Select(ToPolygon).ToArray();
        return polygons.Length == 1 ? polygons[0] : Factory.CreateMultiPolygon(polygons);
    }

    /// <summary>The polygons of a Polygon, a MultiPolygon or a collection holding them (what a union returns).</summary>
    public static GeoBoundary FromGeometry(Geometry geometry)
    {
        var polygons = new List<double[][]>();
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Polygon { IsEmpty: false } polygon)
            {
                polygons.Add([Flat(polygon.Shell), .. polygon.Holes.Select(Flat)]);
            }
        }
        return new GeoBoundary([.. polygons]);
    }

    /// <summary>The boundary as GeoJSON MultiPolygon text, coordinates as written (round-trip precision).</summary>
    public static string ToGeoJson(GeoBoundary boundary) =>
        "{\"type\": \"MultiPolygon\", \"coordinates\": [" + string.Join(",", boundary.Polygons.Select(polygon => "[" + string.Join(",", polygon.Select(ring =>
            "[" + string.Join(",", Enumerable.Range(0, ring.Length / 2).Select(i =>
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{ring[2 * i]},{ring[2 * i + 1]}]"))) + "]")) + "]")) + "]}";

    private static Polygon ToPolygon(double[][] rings) =>
        Factory.CreatePolygon(Ring(rings[0]), [.. rings.Skip(1).Select(Ring)]);

    private static LinearRing Ring(double[] flat)
    {
        var points = new Coordinate[flat.Length / 2];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = new Coordinate(flat[2 * i], flat[2 * i + 1]);
        }
        return Factory.CreateLinearRing(points);
    }

    private static double[] Flat(LineString ring)
    {
        var flat = new double[ring.NumPoints * 2];
        for (var i = 0; i < ring.NumPoints; i++)
        {
            var c = ring.GetCoordinateN(i);
            (flat[2 * i], flat[2 * i + 1]) = (c.X, c.Y);
        }
        return flat;
    }
}
