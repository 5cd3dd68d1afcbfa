using System.Net;
using System.Text;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class TopologyApiTests(GatewayFixture gateway)
{
    private readonly HttpClient _http = gateway.CreateClient();

    private Task<HttpResponseMessage> Put(string body) =>
        _http.PutAsync("/api/v1/topology", new StringContent(body, Encoding.UTF8, "application/json"));

    [Theory]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"district","parentId":"nowhere","name":"N"}]}""", "nodes[0].parentId")]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"district","parentId":"central","name":"N"}]}""", "nodes[0].parentId")]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"borough","parentId":"taiyuan","name":"N"}]}""", "nodes[0].kind")]
    [InlineData("""{"nodes":[{"id":"New D","kind":"district","parentId":"taiyuan","name":"N"}]}""", "nodes[0].id")]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"district","parentId":"taiyuan","name":"N","code":"140105"}]}""", "nodes[0].code")]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"district","parentId":"taiyuan","name":"N","location":{"lng":1,"lat":91}}]}""", "nodes[0].location.lat")]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"district","parentId":"taiyuan"}]}""", "nodes[0].name")]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"district","parentId":"taiyuan","name":"N","indicators":[{"name":"population","year":2020,"value":-5}]}]}""", "nodes[0].indicators[0].value")]
    [InlineData("""{"nodes":[]}""", "nodes")]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"district","parentId":"taiyuan","name":"N","boundary":{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.7],[112.6,37.8]]]}}]}""", "nodes[0].boundary.coordinates[0]")]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"district","parentId":"taiyuan","name":"N","boundary":{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.8],[112.6,37.7],[112.5,37.8],[112.5,37.7]]]}}]}""", "nodes[0].boundary")]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"district","parentId":"taiyuan","name":"N","boundary":{"type":"Point","coordinates":[112.5,37.7]}}]}""", "nodes[0].boundary.type")]
    [InlineData("""{"nodes":[{"id":"new-d","kind":"district","parentId":"taiyuan","name":7}]}""", "$.nodes[0].name")]
    public async Task A_bad_document_is_400_naming_the_field_and_changes_nothing(string document, string field)
    {
        var before = await _http.GetStringAsync("/api/v1/topology");
        var response = await Put(document);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadJson(response);
        Assert.True(problem["errors"]![field] is not null, $"expected an error on {field}: {problem}");
        Assert.Equal(before, await _http.GetStringAsync("/api/v1/topology"));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/nodes/new-d")).StatusCode);
    }

    [Fact]
    public async Task Importing_a_new_district_is_idempotent_and_shows_under_its_city()
    {
        const string document = """{"nodes":[{"id":"shuozhou-test-zone","kind":"district","parentId":"shuozhou","name":"Test Zone","location":{"lng":112.4,"lat":39.3}}]}""";
        var first = await ReadJson(await Put(document));
        var second = await ReadJson(await Put(document));
        Assert.Equal(0, (int)second["created"]! + (int)second["updated"]!);
        Assert.Equal(1, (int)second["unchanged"]!);
        Assert.Equal((string)first["version"]!, (string)second["version"]!);
        var children = await ReadJson(await _http.GetAsync("/api/v1/nodes/shuozhou/children"));
        Assert.Contains(children["items"]!.AsArray(), c => (string?)c!["id"] == "shuozhou-test-zone");
    }

    [Fact]
    public async Task A_boundary_imported_with_a_node_is_exported_again_and_holds_its_points()
    {
        const string square = "[[[112.4,39.3],[112.42,39.3],[112.42,39.32],[112.4,39.32],[112.4,39.3]]]";
        var document = $$$"""{"nodes":[{"id":"shuozhou-square-zone","kind":"district","parentId":"shuozhou","name":"Square Zone","boundary":{"type":"Polygon","coordinates":{{{square}}}}}]}""";
        var imported = await Put(document);
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());

        var plain = await ReadJson(await _http.GetAsync("/api/v1/topology"));
        Assert.Null(plain["nodes"]!.AsArray().Single(n => (string?)n!["id"] == "shuozhou-square-zone")!["boundary"]);
        var exported = await ReadJson(await _http.GetAsync("/api/v1/topology?include=boundary"));
        var boundary = exported["nodes"]!.AsArray().Single(n => (string?)n!["id"] == "shuozhou-square-zone")!["boundary"]!;
        Assert.Equal("Polygon", (string?)boundary["type"]);
        Assert.Equal(square, boundary["coordinates"]!.ToJsonString());

        // The square lies in Shuocheng too: both districts hold the point, then their city.
        var inside = (await ReadJson(await _http.GetAsync("/api/v1/nodes?contains=112.41,39.31")))["items"]!.AsArray().Select(i => (string?)i!["id"]).ToList();
        Assert.Equal(["shuozhou-shuocheng", "shuozhou-square-zone", "shuozhou", "jinbei", "shanxi"], inside);
        // Importing the same again changes nothing: the boundary compares by its coordinates.
        Assert.Equal(1, (int)(await ReadJson(await Put(document)))["unchanged"]!);

        // Left out, the boundary stays; null removes it.
        const string without = """{"nodes":[{"id":"shuozhou-square-zone","kind":"district","parentId":"shuozhou","name":"Square Zone"}]}""";
        Assert.Equal(1, (int)(await ReadJson(await Put(without)))["unchanged"]!);
        Assert.Equal(1, (int)(await ReadJson(await Put(without.Replace("\"name\":\"Square Zone\"", "\"name\":\"Square Zone\",\"boundary\":null"))))["updated"]!);
        var cleared = await ReadJson(await _http.GetAsync("/api/v1/topology?include=boundary"));
        Assert.Null(cleared["nodes"]!.AsArray().Single(n => (string?)n!["id"] == "shuozhou-square-zone")!["boundary"]);
    }
}
