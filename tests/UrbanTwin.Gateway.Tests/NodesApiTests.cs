using System.Net;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class NodesApiTests(GatewayFixture gateway)
{
    private readonly HttpClient _http = gateway.CreateClient();

    [Fact]
    public async Task The_province_has_4_clusters_and_the_census_population()
    {
        var province = await ReadJson(await _http.GetAsync("/api/v1/nodes/shanxi"));
        Assert.Equal("province", (string?)province["kind"]);
        Assert.Equal(4, (int)province["childCount"]!);
        Assert.Equal(34_915_616, (double)province["indicators"]!["population"]!["value"]!);
        Assert.Equal(2020, (int)province["indicators"]!["population"]!["year"]!);
        Assert.Equal(4, (int)province["indicators"]!["population"]!["coverage"]!["total"]!);
        Assert.Equal(66.32, (double)province["indicators"]!["urbanizationRate"]!["value"]!);
        Assert.True((int)province["assets"]!["total"]! >= 117 * 20);
        Assert.NotNull(province["asOf"]);
    }

    [Fact]
    public async Task Taiyuan_has_10_districts_listed_as_children()
    {
        var children = await ReadJson(await _http.GetAsync("/api/v1/nodes/taiyuan/children"));
        var items = children["items"]!.AsArray();
        Assert.Equal(10, items.Count);
        Assert.Contains(items, i => (string?)i!["id"] == "taiyuan-xiaodian");
        Assert.All(items, i => Assert.Equal("district", (string?)i!["kind"]));
        var clusters = await ReadJson(await _http.GetAsync("/api/v1/nodes/shanxi/children"));
        Assert.Equal(["central", "jinbei", "jindongnan", "jinnan"], clusters["items"]!.AsArray().Select(i => (string?)i!["id"]));
    }

    [Theory]
    [InlineData("/api/v1/nodes/atlantis")]
    [InlineData("/api/v1/nodes/atlantis/children")]
    [InlineData("/api/v1/assets/no-such-asset")]
    [InlineData("/api/v1/assets?node=atlantis")]
    public async Task Unknown_ids_are_404_problem_details(string url)
    {
        var response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (int)(await ReadJson(response))["status"]!);
    }

    [Fact]
    public async Task Cities_rank_by_population_with_taiyuan_first()
    {
        var ranking = await ReadJson(await _http.GetAsync("/api/v1/rankings?level=city&metric=population"));
        var items = ranking["items"]!.AsArray();
        Assert.Equal(11, items.Count);
        Assert.Equal("taiyuan", (string?)items[0]!["id"]);
        Assert.Equal(5_304_061, (double)items[0]!["value"]!);
        var ascending = await ReadJson(await _http.GetAsync("/api/v1/rankings?level=city&metric=population&order=asc"));
        Assert.Equal("yangquan", (string?)ascending["items"]![0]!["id"]);
    }

    [Theory]
    [InlineData("/api/v1/rankings?level=street&metric=activeAlarms", "level")]
    [InlineData("/api/v1/rankings?level=city&metric=happiness", "metric")]
    [InlineData("/api/v1/rankings?level=city&metric=activeAlarms&order=up", "order")]
    [InlineData("/api/v1/assets?limit=0", "limit")]
    [InlineData("/api/v1/assets?limit=1001", "limit")]
    [InlineData("/api/v1/assets?limit=ten", "limit")]
    [InlineData("/api/v1/assets?status=burning", "status")]
    [InlineData("/api/v1/assets?kind=volcano", "kind")]
    [InlineData("/api/v1/assets?cursor=not-a-cursor", "cursor")]
    public async Task Bad_parameters_are_400_naming_the_parameter(string url, string parameter)
    {
        var response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await ReadJson(response))["errors"]![parameter]);
    }

    [Fact]
    public async Task Service_endpoints_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health/ready")).StatusCode);
        var openApi = await ReadJson(await _http.GetAsync("/openapi/v1.json"));
        Assert.NotNull(openApi["paths"]!["/api/v1/telemetry"]);
    }
}
