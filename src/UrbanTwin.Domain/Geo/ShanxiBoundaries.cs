using System.Globalization;
using System.Text;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Buffer;
using NetTopologySuite.Operation.Union;
using UrbanTwin.Contracts.Geo;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Domain.Geo;

/// <summary>
/// The boundaries of the reference Shanxi topology. <see cref="Build"/> makes them from the vendored county polygons
/// (<c>Geo/Reference/shanxi</c>, whose README documents the source, the licence and every mapping to today's
/// divisions): each district is the union of the package's units <c>mapping.json</c> gives it; each city, cluster and
/// the province the union of its children. A unit NetTopologySuite finds invalid (the schematic data has a few pinched
/// rings) is repaired with its <c>GeometryFixer</c>; the slivers neighbouring units leave between them are closed by a
/// buffer of <see cref="SliverClosing"/> out and back in when children are merged, so a city has no holes along its
/// districts' shared borders. The unions take seconds, so the result is committed (<c>shanxi.boundaries.json</c>,
/// embedded) and <see cref="Load"/> only reads it; a test keeps it equal to what <see cref="Build"/> gives.
/// </summary>
public static class ShanxiBoundaries
{
    /// <summary>About 100 m: the data's own resolution (1/1024 degree).</summary>
    public const double SliverClosing = 1.0 / 1024;

    /// <summary>Decimals kept in the committed file: 1e-7 degree is about a centimetre.</summary>
    private const int Decimals = 7;

    public const string FileName = "shanxi.boundaries.json";

    /// <summary>Every node's boundary by id, as committed.</summary>
    public static Dictionary<string, GeoBoundary> Load()
    {
        using var stream = typeof(ShanxiBoundaries).Assembly.GetManifestResourceStream("UrbanTwin.Geo." + FileName)
            ?? throw new InvalidOperationException($"The embedded {FileName} is missing from the build.");
        using var document = JsonDocument.Parse(stream);
        var result = new Dictionary<string, GeoBoundary>(StringComparer.Ordinal);
        foreach (var node in document.RootElement.GetProperty("nodes").EnumerateObject())
        {
            var errors = new List<FieldError>();
            result[node.Name] = BoundaryReader.ReadStructure(node.Value, node.Name, errors)
                ?? throw new InvalidOperationException($"{FileName}: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
        }
        return result;
    }

    /// <summary>Every node's boundary, made from the vendored files in <paramref name="directory"/> (<c>Geo/Reference/shanxi</c> of the sources).</summary>
    public static Dictionary<string, GeoBoundary> Build(IReadOnlyList<NodeDefinition> nodes, string directory)
    {
        var geometries = Districts(directory);
        foreach (var kind in new[] { NodeKind.City, NodeKind.Cluster, NodeKind.Province })
        {
            foreach (var node in nodes.Where(n => n.Kind == kind))
            {
                var children = nodes.Where(c => c.ParentId == node.Id && geometries.ContainsKey(c.Id)).Select(c => geometries[c.Id]).ToList();
                if (children.Count > 0)
                {
                    geometries[node.Id] = Merge(children);
                }
            }
        }
        return nodes.Where(n => geometries.ContainsKey(n.Id))
            .ToDictionary(n => n.Id, n => Rounded(Shapes.FromGeometry(geometries[n.Id])), StringComparer.Ordinal);
    }

    /// <summary>The committed file's text: node ids in order, each boundary a GeoJSON geometry.</summary>
    public static string ToJson(Dictionary<string, GeoBoundary> boundaries)
    {
        var text = new StringBuilder();
        text.Append("{\n  \"source\": \"made by ShanxiBoundaries.Build from Geo/Reference/shanxi (see its README); do not edit\",\n  \"nodes\": {\n");
        var first = true;
        foreach (var (id, boundary) in boundaries.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            text.Append(first ? "" : ",\n").Append("    \"").Append(id).Append("\": ").Append(Shapes.ToGeoJson(boundary));
            first = false;
        }
        return text.Append("\n  }\n}\n").ToString();
    }

    /// <summary>The districts' geometries: each the union of the package units mapped to it.</summary>
    private static Dictionary<string, Geometry> Districts(string directory)
    {
        using var mapping = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "mapping.json")));
        var units = new Dictionary<string, List<Geometry>>(StringComparer.Ordinal);
        foreach (var city in mapping.RootElement.GetProperty("cities").EnumerateArray())
        {
            var file = city.GetProperty("file").GetString()!;
            var targets = city.GetProperty("units");
            using var collection = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, file)));
            foreach (var feature in collection.RootElement.GetProperty("features").EnumerateArray())
            {
                var name = feature.GetProperty("properties").GetProperty("name").GetString()!;
                var node = targets.TryGetProperty(name, out var target) ? target.GetString()! :
                    throw new InvalidOperationException($"{file}: the unit {name} has no node in mapping.json");
                var errors = new List<FieldError>();
                var boundary = BoundaryReader.ReadStructure(feature.GetProperty("geometry"), $"{file}:{name}", errors)
                    ?? throw new InvalidOperationException(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
                var geometry = Shapes.ToGeometry(boundary);
                if (!geometry.IsValid)
                {
                    geometry = GeometryFixer.Fix(geometry);
                }
                (units.TryGetValue(node, out var list) ? list : units[node] = []).Add(geometry);
            }
        }
        return units.ToDictionary(u => u.Key, u => u.Value.Count == 1 ? u.Value[0] : Merge(u.Value), StringComparer.Ordinal);
    }

    private static Geometry Merge(List<Geometry> parts)
    {
        var union = CascadedPolygonUnion.Union(parts);
        // Mitred corners, one segment per quadrant: the closing adds no arcs to simplify away.
        var closing = new BufferParameters(1, EndCapStyle.Flat, JoinStyle.Mitre, 2);
        var closed = BufferOp.Buffer(BufferOp.Buffer(union, SliverClosing, closing), -SliverClosing, closing);
        return NetTopologySuite.Simplify.TopologyPreservingSimplifier.Simplify(closed, SliverClosing / 4);
    }

    private static GeoBoundary Rounded(GeoBoundary boundary) =>
        new([.. boundary.Polygons.Select(p => p.Select(r => r.Select(v => Math.Round(v, Decimals)).ToArray()).ToArray())]);
}
