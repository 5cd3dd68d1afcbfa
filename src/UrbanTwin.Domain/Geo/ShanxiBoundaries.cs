using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Union;
using UrbanTwin.Contracts.Geo;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Domain.Geo;

/// <summary>
/// The boundaries of the reference Shanxi topology, from the vendored county polygons (<c>Geo/Reference/shanxi</c>,
/// whose README documents the source, the licence and every mapping to today's divisions): each district is the union
/// of the package's units <c>mapping.json</c> gives it; each city, cluster and the province the union of its children.
/// A unit NetTopologySuite finds invalid (the schematic data has a few pinched rings) is repaired with its
/// <c>GeometryFixer</c>; the slivers neighbouring units leave between them are closed by a buffer of
/// <see cref="SliverClosing"/> out and back in when children are merged, so a city has no holes along its districts'
/// shared borders.
/// </summary>
public static class ShanxiBoundaries
{
    /// <summary>About 100 m: the data's own resolution (1/1024 degree).</summary>
    public const double SliverClosing = 1.0 / 1024;

    private const string Prefix = "UrbanTwin.Geo.shanxi.";

    /// <summary>Every node's boundary by id, for the given nodes (a district by the mapping, others by their children).</summary>
    public static Dictionary<string, GeoBoundary> For(IReadOnlyList<NodeDefinition> nodes)
    {
        var geometries = Districts();
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
        return geometries.Where(g => nodes.Any(n => n.Id == g.Key)).ToDictionary(g => g.Key, g => Shapes.FromGeometry(g.Value), StringComparer.Ordinal);
    }

    /// <summary>The districts' geometries: each the union of the package units mapped to it.</summary>
    private static Dictionary<string, Geometry> Districts()
    {
        using var mapping = JsonDocument.Parse(Resource("mapping.json"));
        var units = new Dictionary<string, List<Geometry>>(StringComparer.Ordinal);
        foreach (var city in mapping.RootElement.GetProperty("cities").EnumerateArray())
        {
            var file = city.GetProperty("file").GetString()!;
            var targets = city.GetProperty("units");
            using var collection = JsonDocument.Parse(Resource(file));
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
        var closed = union.Buffer(SliverClosing).Buffer(-SliverClosing);
        // The closing rounds corners into arcs: simplify back to about the data's resolution.
        return NetTopologySuite.Simplify.TopologyPreservingSimplifier.Simplify(closed, SliverClosing / 4);
    }

    private static Stream Resource(string name) =>
        typeof(ShanxiBoundaries).Assembly.GetManifestResourceStream(Prefix + name)
        ?? throw new InvalidOperationException($"The embedded boundary file {name} is missing from the build.");
}
