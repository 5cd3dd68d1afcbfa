using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;

namespace UrbanTwin.Gateway.Geo;

/// <summary>
/// The nodes' boundaries as prepared geometries (indexed edges: a point test costs a few microseconds), built once per
/// tree version in the gateway: which nodes hold a point, and which districts an area meets.
/// </summary>
public sealed class NodeAreas
{
    private readonly (NodeDefinition Node, IPreparedGeometry Area)[] _areas;
    private readonly Dictionary<string, Envelope> _boxes;

    public NodeAreas(IEnumerable<NodeDefinition> nodes)
    {
        _areas = [.. nodes.Where(n => n.Boundary is { Polygons.Length: > 0 })
            .Select(n => (n, PreparedGeometryFactory.Prepare(Shapes.ToGeometry(n.Boundary!))))];
        _boxes = _areas.ToDictionary(a => a.Node.Id, a => a.Area.Geometry.EnvelopeInternal, StringComparer.Ordinal);
    }

    /// <summary>The lng/lat box of a node's boundary; null when it has none.</summary>
    public Envelope? Box(string nodeId) => _boxes.GetValueOrDefault(nodeId);

    /// <summary>The nodes whose boundary holds the point (edges included), innermost first: districts, cities, clusters, the province.</summary>
    public List<NodeDefinition> Containing(double lng, double lat)
    {
        var point = Shapes.Factory.CreatePoint(new Coordinate(lng, lat));
        return [.. _areas.Where(a => a.Area.Geometry.EnvelopeInternal.Contains(point.Coordinate) && a.Area.Covers(point))
            .Select(a => a.Node).OrderByDescending(n => n.Kind).ThenBy(n => n.Id, StringComparer.Ordinal)];
    }
}
