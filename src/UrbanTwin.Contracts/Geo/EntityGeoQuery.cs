namespace UrbanTwin.Contracts.Geo;

/// <summary>The geo-relations of NGSI-LD geo-queries (ETSI GS CIM 009 clause 4.10).</summary>
[GenerateSerializer]
public enum GeoRelation
{
    Near = 0,
    Within = 1,
    Contains = 2,
    Intersects = 3,
    Equals = 4,
    Disjoint = 5,
    Overlaps = 6,
}

/// <summary>
/// A geo-query: the relation an entity's location must have with a reference geometry, a point
/// (<see cref="Point"/>, lng/lat) or an area (<see cref="Area"/>); for <c>near</c> the distance in metres within which
/// (<see cref="MaxDistanceM"/>) or beyond which (<see cref="MinDistanceM"/>) the location lies.
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.EntityGeoQuery")]
public sealed record EntityGeoQuery(
    [property: Id(0)] GeoRelation Relation,
    [property: Id(1)] Topology.GeoPoint? Point,
    [property: Id(2)] GeoBoundary? Area,
    [property: Id(3)] double? MaxDistanceM,
    [property: Id(4)] double? MinDistanceM);
