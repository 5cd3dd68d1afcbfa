using UrbanTwin.Contracts.Geo;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Domain.NgsiLd;

namespace UrbanTwin.Grains.Tests;

/// <summary>Geo-queries (ETSI GS CIM 009 clause 4.10) tried on point locations, against a plain computation over random points.</summary>
public sealed class PointGeoFilterTests
{
    private static readonly GeoBoundary Square = new([[[112.0, 37.0, 113.0, 37.0, 113.0, 38.0, 112.0, 38.0, 112.0, 37.0]]]);

    [Fact]
    public void Near_within_intersects_and_disjoint_agree_with_distances_and_a_box_test_over_random_points()
    {
        var random = new Random(7);
        var centre = new GeoPoint(112.5, 37.5);
        var near = new PointGeoFilter(new EntityGeoQuery(GeoRelation.Near, centre, null, 20_000, null));
        var far = new PointGeoFilter(new EntityGeoQuery(GeoRelation.Near, centre, null, null, 20_000));
        var within = new PointGeoFilter(new EntityGeoQuery(GeoRelation.Within, null, Square, null, null));
        var intersects = new PointGeoFilter(new EntityGeoQuery(GeoRelation.Intersects, null, Square, null, null));
        var disjoint = new PointGeoFilter(new EntityGeoQuery(GeoRelation.Disjoint, null, Square, null, null));
        var (minLng, minLat, maxLng, maxLat) = near.Bounds!.Value;
        for (var i = 0; i < 5000; i++)
        {
            var (lng, lat) = (Math.Round(111.5 + random.NextDouble() * 2, 2), Math.Round(36.5 + random.NextDouble() * 2, 2)); // some on the square's edge
            var distance = GreatCircle.Metres(centre.Lng, centre.Lat, lng, lat);
            Assert.Equal(distance <= 20_000, near.Matches(lng, lat));
            Assert.Equal(distance >= 20_000, far.Matches(lng, lat));
            if (near.Matches(lng, lat))
            {
                Assert.True(lng >= minLng && lng <= maxLng && lat >= minLat && lat <= maxLat, "a match outside the bounds the districts are chosen by");
            }
            var inside = lng > 112 && lng < 113 && lat > 37 && lat < 38;
            var covered = lng >= 112 && lng <= 113 && lat >= 37 && lat <= 38;
            Assert.Equal(inside, within.Matches(lng, lat));
            Assert.Equal(covered, intersects.Matches(lng, lat));
            Assert.Equal(!covered, disjoint.Matches(lng, lat));
        }
        Assert.Null(far.Bounds);
        Assert.Null(disjoint.Bounds);
    }

    [Fact]
    public void A_point_has_no_area_to_contain_equal_or_overlap_a_polygon_but_equals_the_same_point()
    {
        Assert.False(new PointGeoFilter(new EntityGeoQuery(GeoRelation.Contains, null, Square, null, null)).Matches(112.5, 37.5));
        Assert.False(new PointGeoFilter(new EntityGeoQuery(GeoRelation.Equals, null, Square, null, null)).Matches(112.5, 37.5));
        Assert.False(new PointGeoFilter(new EntityGeoQuery(GeoRelation.Overlaps, null, Square, null, null)).Matches(112.5, 37.5));
        var point = new GeoPoint(112.5, 37.5);
        foreach (var relation in new[] { GeoRelation.Equals, GeoRelation.Contains, GeoRelation.Within, GeoRelation.Intersects })
        {
            var filter = new PointGeoFilter(new EntityGeoQuery(relation, point, null, null, null));
            Assert.True(filter.Matches(112.5, 37.5), relation.ToString());
            Assert.False(filter.Matches(112.5, 37.50001), relation.ToString());
        }
        Assert.True(new PointGeoFilter(new EntityGeoQuery(GeoRelation.Disjoint, point, null, null, null)).Matches(112.5, 37.50001));
    }
}
