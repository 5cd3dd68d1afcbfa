using System.Globalization;
using System.Text.Json;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;

namespace UrbanTwin.Grains.Tests.Geo;

public sealed class BoundaryReaderTests
{
    private const string Square = "[[112.5,37.7],[112.6,37.7],[112.6,37.8],[112.5,37.8],[112.5,37.7]]";

    [Theory]
    [InlineData($$"""{"type":"Polygon","coordinates":[{{Square}}]}""", 1, 5)]
    [InlineData($$"""{"type":"MultiPolygon","coordinates":[[{{Square}}],[[[113,38],[113.1,38],[113.1,38.1],[113,38]]]]}""", 2, 9)]
    [InlineData("""{"type":"Polygon","coordinates":[[[112.5,37.7,800],[112.6,37.7,800],[112.6,37.8,800],[112.5,37.7,800]]]}""", 1, 4)]
    public void A_valid_polygon_is_read(string json, int polygons, int vertices)
    {
        var errors = new List<FieldError>();
        var boundary = BoundaryReader.Read(JsonDocument.Parse(json).RootElement, "boundary", errors);
        Assert.Empty(errors);
        Assert.Equal((polygons, vertices), (boundary!.Polygons.Length, boundary.VertexCount));
    }

    [Theory]
    [InlineData("""{"type":"Point","coordinates":[112.5,37.7]}""", "boundary.type", "Polygon or MultiPolygon")]
    [InlineData("""[1,2]""", "boundary", "geometry object")]
    [InlineData("""{"type":"Polygon"}""", "boundary.coordinates", "required")]
    [InlineData("""{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.7],[112.6,37.8],[112.5,37.8]]]}""", "boundary.coordinates[0]", "not closed")]
    [InlineData("""{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.7],[112.5,37.7]]]}""", "boundary.coordinates[0]", "at least 4 positions")]
    [InlineData("""{"type":"Polygon","coordinates":[[[112.5,37.7],[212.6,37.7],[112.6,37.8],[112.5,37.7]]]}""", "boundary.coordinates[0][1]", "lng between -180 and 180")]
    [InlineData("""{"type":"Polygon","coordinates":[[[112.5,37.7],["112.6",37.7],[112.6,37.8],[112.5,37.7]]]}""", "boundary.coordinates[0][1]", "numbers")]
    [InlineData("""{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.8],[112.6,37.7],[112.5,37.8],[112.5,37.7]]]}""", "boundary", "Self-intersection")]
    [InlineData("""{"type":"MultiPolygon","coordinates":[]}""", "boundary.coordinates", "at least one polygon")]
    public void A_bad_boundary_is_refused_naming_where(string json, string field, string reason)
    {
        var errors = new List<FieldError>();
        Assert.Null(BoundaryReader.Read(JsonDocument.Parse(json).RootElement, "boundary", errors));
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_boundary_of_too_many_vertices_is_refused()
    {
        var ring = Enumerable.Range(0, BoundaryReader.MaxVertices + 1).Select(i => (Math.Cos(i * 2 * Math.PI / BoundaryReader.MaxVertices), Math.Sin(i * 2 * Math.PI / BoundaryReader.MaxVertices)))
            .Select(p => "[" + (112 + p.Item1).ToString("R", CultureInfo.InvariantCulture) + "," + (37 + p.Item2).ToString("R", CultureInfo.InvariantCulture) + "]");
        var json = $$"""{"type":"Polygon","coordinates":[[{{string.Join(",", ring)}},[113,37]]]}""";
        var errors = new List<FieldError>();
        Assert.Null(BoundaryReader.Read(JsonDocument.Parse(json).RootElement, "boundary", errors));
        Assert.Contains("at most 100,000 vertices", Assert.Single(errors).Message);
    }
}
