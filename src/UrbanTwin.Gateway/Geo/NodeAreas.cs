using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;

namespace UrbanTwin.Gateway.Geo;

/// <summary>
/// The nodes' boundaries as prepared geometries (indexed edges: a point test costs a few microseconds), built once per
/// tree version in the gateway: which nodes hold a point, how far a point lies outside one, and which districts an area meets.
/// </summary>
public sealed class NodeAreas
{
    private readonly (NodeDefinition Node, IPreparedGeometry Area)[] _areas;
    private readonly Dictionary<string, IPreparedGeometry> _byId;

    public NodeAreas(IEnumerable<NodeDefinition> nodes)
    {
        _areas = [.. nodes.Where(n => n.Boundary is { Polygons.Length: > 0 })
            .Select(n => (n, PreparedGeometryFactory.Prepare(Shapes.ToGeometry(n.Boundary!))))];
        _byId = _areas.ToDictionary(a => a.Node.Id, a => a.Area, StringComparer.Ordinal);
    }

    /// <summary>
    /// How far (metres, about) a point lies outside a node's boundary: 0 inside or on it, null when the node has none.
    /// Measured in degrees of longitude scaled by the latitude's cosine, which is within a percent at district scale.
    /// </summary>
    public double? MetresOutside(string nodeId, double lng, double lat)
    {
        if (!_byId.TryGetValue(nodeId, out var area))
        {
            return null;
        }
        var point = Shapes.Factory.CreatePoint(new Coordinate(lng, lat));
        if (area.Covers(point))
        {
            return 0;
        }
        var nearest = NetTopologySuite.Operation.Distance.DistanceOp.NearestPoints(area.Geometry, point)[0];
        return GreatCircle.Metres(lng, lat, nearest.X, nearest.Y);
    }

    /// <summary>The nodes whose boundary meets the area (edges included), innermost first.</summary>
    public List<NodeDefinition> Intersecting(Geometry area) =>
        [.. _areas.Where(a => a.Area.Geometry.EnvelopeInternal.Intersects(area.EnvelopeInternal) && a.Area.Intersects(area))
            .Select(a => a.Node).OrderByDescending(n => n.Kind).ThenBy(n => n.Id, StringComparer.Ordinal)];

    /// <summary>The lng/lat box of a node's boundary; null when it has none.</summary>
    public Envelope? Box(string nodeId) => _byId.TryGetValue(nodeId, out var area) ? area.Geometry.EnvelopeInternal : null;

    /// <summary>The nodes whose boundary holds the point (edges included), innermost first: districts, cities, clusters, the province.</summary>
    public List<NodeDefinition> Containing(double lng, double lat)
    {
        var point = Shapes.Factory.CreatePoint(new Coordinate(lng, lat));
        return [.. _areas.Where(a => a.Area.Geometry.EnvelopeInternal.Contains(point.Coordinate) && a.Area.Covers(point))
            .Select(a => a.Node).OrderByDescending(n => n.Kind).ThenBy(n => n.Id, StringComparer.Ordinal)];
    }
}
