using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Converters;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests.Geo;

/// <summary>Nodes by place: which hold a point, their boundaries on request, and GeoJSON answers.</summary>
[Collection(GatewayCollection.Name)]
public sealed class NodeGeoApiTests(GatewayFixture gateway)
{
    /// <summary>A point in Xiaodian district, Taiyuan (its government seat).</summary>
    private const string Xiaodian = "112.565659,37.736525";

    private readonly HttpClient _http = gateway.CreateClient();

    [Fact]
    public async Task A_point_in_Xiaodian_is_held_by_its_district_city_cluster_and_province_innermost_first()
    {
        var answer = await ReadJson(await _http.GetAsync($"/api/v1/nodes?contains={Xiaodian}"));
        Assert.Equal(["taiyuan-xiaodian", "taiyuan", "central", "shanxi"], answer["items"]!.AsArray().Select(i => (string?)i!["id"]));
        Assert.Null(answer["items"]![0]!["boundary"]); // only when asked for

        var beijing = await ReadJson(await _http.GetAsync("/api/v1/nodes?contains=116.397,39.909"));
        Assert.Empty(beijing["items"]!.AsArray());
    }

    [Fact]
    public async Task Without_a_point_every_node_is_listed_province_first()
    {
        var items = (await ReadJson(await _http.GetAsync("/api/v1/nodes")))["items"]!.AsArray();
        Assert.True(items.Count >= 133, $"{items.Count} nodes");
        Assert.Equal("shanxi", (string?)items[0]!["id"]);
        Assert.Equal("district", (string?)items[^1]!["kind"]);
    }

    [Theory]
    [InlineData("/api/v1/nodes?contains=112.5", "contains")]
    [InlineData("/api/v1/nodes?contains=east,north", "contains")]
    [InlineData("/api/v1/nodes?contains=200,37.7", "contains")]
    [InlineData("/api/v1/nodes?contains=112.5,NaN", "contains")]
    [InlineData("/api/v1/nodes?contains=112.5,37.7,1", "contains")]
    [InlineData("/api/v1/nodes?include=geometry", "include")]
    [InlineData("/api/v1/nodes/taiyuan?include=boundary,polygons", "include")]
    [InlineData("/api/v1/nodes/taiyuan/children?include=everything", "include")]
    [InlineData("/api/v1/topology?include=shapes", "include")]
    public async Task A_bad_point_or_include_is_400_naming_the_parameter(string url, string field)
    {
        var response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await ReadJson(response))["errors"]![field]);
    }

    [Fact]
    public async Task A_node_carries_its_boundary_when_asked()
    {
        var plain = await ReadJson(await _http.GetAsync("/api/v1/nodes/taiyuan-xiaodian"));
        Assert.Null(plain["boundary"]);
        var node = await ReadJson(await _http.GetAsync("/api/v1/nodes/taiyuan-xiaodian?include=boundary"));
        var boundary = node["boundary"]!;
        Assert.Contains((string?)boundary["type"], new[] { "Polygon", "MultiPolygon" });
        var geometry = JsonSerializer.Deserialize<NetTopologySuite.Geometries.Geometry>(boundary.ToJsonString(), GeoJsonOptions)!;
        Assert.True(geometry.IsValid);
        Assert.True(geometry.Covers(geometry.Factory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(112.565659, 37.736525))));
    }

    [Fact]
    public async Task As_GeoJSON_a_city_s_children_are_a_FeatureCollection_of_valid_polygons()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nodes/taiyuan/children");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/geo+json"));
        var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var collection = JsonSerializer.Deserialize<FeatureCollection>(text, GeoJsonOptions)!;
        Assert.Equal(10, collection.Count);
        Assert.All(collection, f =>
        {
            Assert.True(f.Geometry is NetTopologySuite.Geometries.Polygon or NetTopologySuite.Geometries.MultiPolygon);
            Assert.True(f.Geometry.IsValid);
        });
        // Each feature is identified by its node's id; its properties are the node as the JSON answer has it.
        var features = JsonNode.Parse(text)!["features"]!.AsArray();
        Assert.Contains(features, f => (string?)f!["id"] == "taiyuan-xiaodian");
        Assert.All(features, f => Assert.Equal("district", (string?)f!["properties"]!["kind"]));

        var one = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nodes/taiyuan");
        one.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/geo+json"));
        var featureText = await (await _http.SendAsync(one)).Content.ReadAsStringAsync();
        var feature = JsonSerializer.Deserialize<IFeature>(featureText, GeoJsonOptions)!;
        Assert.Equal("taiyuan", (string?)JsonNode.Parse(featureText)!["id"]);
        Assert.True(feature.Geometry.Area > 0.5, "Taiyuan spans about 0.7 square degrees");
    }

    private static readonly JsonSerializerOptions GeoJsonOptions = new() { Converters = { new GeoJsonConverterFactory(NetTopologySuite.NtsGeometryServices.Instance.CreateGeometryFactory(4326), false, "id") } };
}
