using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Operation.Valid;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Contracts.Geo;

namespace UrbanTwin.Domain.Geo;

/// <summary>
/// Reads a GeoJSON Polygon or MultiPolygon geometry (RFC 7946) into a <see cref="GeoBoundary"/>, naming the first
/// problem by its path: a wrong type, a position out of range or not a number, a ring with fewer than four positions
/// or not closed, too many vertices, or a geometry NetTopologySuite finds invalid (a self-intersection, a hole outside
/// its shell, overlapping parts).
/// </summary>
public static class BoundaryReader
{
    /// <summary>Vertices one boundary may have: a county's detailed outline has a few thousand.</summary>
    public const int MaxVertices = 100_000;

    public static GeoBoundary? Read(JsonElement geometry, string path, List<FieldError> errors)
    {
        var before = errors.Count;
        var boundary = ReadStructure(geometry, path, errors);
        if (boundary is null || errors.Count > before)
        {
            return null;
        }
        var validity = new IsValidOp(Shapes.ToGeometry(boundary));
        if (!validity.IsValid)
        {
            var error = validity.ValidationError;
            errors.Add(new FieldError(path, string.Create(CultureInfo.InvariantCulture,
                $"not a valid polygon: {error.Message} at ({error.Coordinate?.X:0.######}, {error.Coordinate?.Y:0.######})")));
            return null;
        }
        return boundary;
    }

    /// <summary>The structure alone (no validity check): for vendored data that is repaired rather than refused.</summary>
    public static GeoBoundary? ReadStructure(JsonElement geometry, string path, List<FieldError> errors)
    {
        if (geometry.ValueKind != JsonValueKind.Object || !geometry.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            errors.Add(new FieldError(path, "must be a GeoJSON geometry object with a type: Polygon or MultiPolygon"));
            return null;
        }
        if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new FieldError($"{path}.coordinates", "required: an array"));
            return null;
        }
        var vertices = 0;
        switch (type.GetString())
        {
            case "Polygon":
                return ReadPolygon(coordinates, $"{path}.coordinates", errors, ref vertices) is { } polygon ? new GeoBoundary([polygon]) : null;
            case "MultiPolygon":
                if (coordinates.GetArrayLength() == 0)
                {
                    errors.Add(new FieldError($"{path}.coordinates", "must hold at least one polygon"));
                    return null;
                }
                var polygons = new List<double[][]>();
                var i = 0;
                foreach (var part in coordinates.EnumerateArray())
                {
                    if (ReadPolygon(part, $"{path}.coordinates[{i++}]", errors, ref vertices) is not { } read)
                    {
                        return null;
                    }
                    polygons.Add(read);
                }
                return new GeoBoundary([.. polygons]);
            default:
                errors.Add(new FieldError($"{path}.type", "must be Polygon or MultiPolygon"));
                return null;
        }
    }

    private static double[][]? ReadPolygon(JsonElement polygon, string path, List<FieldError> errors, ref int vertices)
    {
        if (polygon.ValueKind != JsonValueKind.Array || polygon.GetArrayLength() == 0)
        {
            errors.Add(new FieldError(path, "a polygon must be a non-empty array of rings (its shell first, then its holes)"));
            return null;
        }
        var rings = new double[polygon.GetArrayLength()][];
        var r = 0;
        foreach (var ring in polygon.EnumerateArray())
        {
            var ringPath = $"{path}[{r}]";
            if (ring.ValueKind != JsonValueKind.Array || ring.GetArrayLength() < 4)
            {
                errors.Add(new FieldError(ringPath, "a ring must be an array of at least 4 positions, the last the same as the first"));
                return null;
            }
            vertices += ring.GetArrayLength();
            if (vertices > MaxVertices)
            {
                errors.Add(new FieldError(ringPath, $"a boundary has at most {MaxVertices:N0} vertices"));
                return null;
            }
            var flat = new double[ring.GetArrayLength() * 2];
            var p = 0;
            foreach (var position in ring.EnumerateArray())
            {
                if (!TryReadPosition(position, out var lng, out var lat))
                {
                    errors.Add(new FieldError($"{ringPath}[{p}]", "a position is [lng, lat]: numbers, lng between -180 and 180, lat between -90 and 90"));
                    return null;
                }
                (flat[2 * p], flat[2 * p + 1]) = (lng, lat);
                p++;
            }
            if (flat[0] != flat[^2] || flat[1] != flat[^1])
            {
                errors.Add(new FieldError(ringPath, "the ring is not closed: its last position must repeat its first"));
                return null;
            }
            rings[r++] = flat;
        }
        return rings;
    }

    private static bool TryReadPosition(JsonElement position, out double lng, out double lat)
    {
        lng = lat = double.NaN;
        if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() is < 2 or > 3)
        {
            return false;
        }
        var x = position[0];
        var y = position[1];
        return x.ValueKind == JsonValueKind.Number && y.ValueKind == JsonValueKind.Number
            && x.TryGetDouble(out lng) && y.TryGetDouble(out lat)
            && double.IsFinite(lng) && double.IsFinite(lat) && lng is >= -180 and <= 180 && lat is >= -90 and <= 90;
    }
}
