using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using UrbanTwin.Contracts.Geo;
using UrbanTwin.Domain.Geo;

namespace UrbanTwin.Domain.NgsiLd;

/// <summary>
/// A geo-query prepared to test point locations (every asset's and node's location is a point), with the simple
/// feature relations of clause 4.10 as they apply to a point: <c>within</c> the area's interior; <c>intersects</c> the
/// area or its edge; <c>disjoint</c> neither; <c>equals</c>, <c>contains</c> and <c>within</c> a reference point when
/// the two are the same point; <c>contains</c>, <c>equals</c> and <c>overlaps</c> an area never (a point has no
/// area); <c>near</c> by great-circle distance.
/// </summary>
public sealed class PointGeoFilter
{
    private readonly EntityGeoQuery _query;
    private readonly IPreparedGeometry? _area;

    public PointGeoFilter(EntityGeoQuery query)
    {
        _query = query;
        if (query.Area is { } area)
        {
            _area = PreparedGeometryFactory.Prepare(Shapes.ToGeometry(area));
        }
    }

    /// <summary>
    /// The lng/lat box every matching location lies in (minLng, minLat, maxLng, maxLat), to skip districts far away;
    /// null when matches may lie anywhere (<c>disjoint</c>, <c>near;minDistance</c>).
    /// </summary>
    public (double MinLng, double MinLat, double MaxLng, double MaxLat)? Bounds => _query switch
    {
        { Relation: GeoRelation.Near, Point: { } p, MaxDistanceM: { } max } => GreatCircle.BoxAround(p.Lng, p.Lat, max),
        { Relation: GeoRelation.Disjoint } or { Relation: GeoRelation.Near } => null,
        { Point: { } p } => (p.Lng, p.Lat, p.Lng, p.Lat),
        _ when _area is not null => (_area.Geometry.EnvelopeInternal.MinX, _area.Geometry.EnvelopeInternal.MinY, _area.Geometry.EnvelopeInternal.MaxX, _area.Geometry.EnvelopeInternal.MaxY),
        _ => null,
    };

    public bool Matches(double lng, double lat)
    {
        if (_query.Relation == GeoRelation.Near)
        {
            var reference = _query.Point ?? throw new InvalidOperationException("near takes a point");
            var distance = GreatCircle.Metres(reference.Lng, reference.Lat, lng, lat);
            return (_query.MaxDistanceM is not { } max || distance <= max) && (_query.MinDistanceM is not { } min || distance >= min);
        }
        if (_query.Point is { } point)
        {
            var same = point.Lng == lng && point.Lat == lat;
            return _query.Relation switch
            {
                GeoRelation.Disjoint => !same,
                GeoRelation.Overlaps => false,
                _ => same,
            };
        }
        var location = Shapes.Factory.CreatePoint(new Coordinate(lng, lat));
        return _query.Relation switch
        {
            GeoRelation.Within => _area!.ContainsProperly(location),
            GeoRelation.Intersects => _area!.Covers(location),
            GeoRelation.Disjoint => !_area!.Covers(location),
            _ => false,
        };
    }
}
