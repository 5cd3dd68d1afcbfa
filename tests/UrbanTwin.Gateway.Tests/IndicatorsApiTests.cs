using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class IndicatorsApiTests(GatewayFixture gateway)
{
    private readonly HttpClient _http = gateway.CreateClient();

    private Task<HttpResponseMessage> Put(string node, string body) =>
        _http.PutAsync($"/api/v1/nodes/{node}/indicators", new StringContent(body, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Hotline_figures_imported_per_district_roll_up_to_the_city_as_ratio_of_sums_with_coverage()
    {
        var first = await Put("lvliang-lishi", """
            {"indicators":[{"name":"hotline.tickets","period":"2026-10","value":100,"source":"12345 monthly report"},
                           {"name":"hotline.resolved","period":"2026-10","value":90}]}
            """);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((2, 0), ((int)(await ReadJson(first))["created"]!, (int)(await ReadJson(first))["updated"]!));
        var again = await Put("lvliang-lishi", """{"indicators":[{"name":"hotline.tickets","period":"2026-10","value":100,"source":"12345 monthly report"}]}""");
        Assert.Equal(1, (int)(await ReadJson(again))["unchanged"]!); // idempotent
        Assert.Equal(HttpStatusCode.OK, (await Put("lvliang-xiaoyi", """
            {"indicators":[{"name":"hotline.tickets","period":"2026-10","value":20},{"name":"hotline.resolved","period":"2026-10","value":10}]}
            """)).StatusCode);

        var own = await ReadJson(await _http.GetAsync("/api/v1/nodes/lvliang-lishi"));
        Assert.Equal(90.0, (double)own["indicators"]!["hotline.resolutionRate"]!["value"]!);
        var rate = (await Eventually.Until(async () => (await ReadJson(await _http.GetAsync("/api/v1/nodes/lvliang")))["indicators"]?["hotline.resolutionRate"],
            r => r is not null && (double)r["value"]! == 83.33, TimeSpan.FromSeconds(30), "the city's resolution rate"))!;
        Assert.Equal(("2026-10", "rollup"), ((string?)rate["period"], (string?)rate["origin"]));
        Assert.Equal(2, (int)rate["coverage"]!["reported"]!);
        Assert.Equal(13, (int)rate["coverage"]!["total"]!);
        var list = (await ReadJson(await _http.GetAsync("/api/v1/nodes/lvliang/indicators")))["indicators"]!.AsArray();
        Assert.Contains(list, p => (string?)p!["name"] == "hotline.tickets" && (double)p["value"]! == 120 && (string?)p["period"] == "2026-10");
    }

    [Theory]
    [InlineData("""{"indicators":[]}""", "indicators")]
    [InlineData("""{"indicators":[{"name":"hotline.resolutionRate","period":"2026","value":95}]}""", "indicators[0].name")]
    [InlineData("""{"indicators":[{"name":"gdp","period":"2026","value":1}]}""", "indicators[0].name")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","period":"2026-13","value":1}]}""", "indicators[0].period")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","period":"1900","value":1}]}""", "indicators[0].period")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","value":1}]}""", "indicators[0].period")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","period":"2026","value":-1}]}""", "indicators[0].value")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","period":"2026","value":1.5}]}""", "indicators[0].value")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","period":"2026","value":"NaN"}]}""", "$.indicators[0].value")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","period":"2026","value":"12"}]}""", "$.indicators[0].value")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","period":"2026"}]}""", "indicators[0].value")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","period":"2026","value":5},{"name":"hotline.resolved","period":"2026","value":6}]}""", "indicators[1].value")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","period":"2026","value":5},{"name":"hotline.tickets","period":"2026","value":6}]}""", "indicators[1]")]
    [InlineData("""{"indicators":[null]}""", "indicators[0]")]
    [InlineData("""{"indicators":[{"name":"hotline.tickets","period":"2026","value":1}]""", "$")]
    public async Task A_bad_import_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var before = await _http.GetStringAsync("/api/v1/nodes/lvliang-fenyang/indicators");
        var response = await Put("lvliang-fenyang", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadJson(response))["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field) || (field == "$" && errors.Any(e => e.Key.StartsWith('$') || e.Key == "body")),
            $"expected an error on {field}: {errors.ToJsonString()}");
        Assert.Equal(before, await _http.GetStringAsync("/api/v1/nodes/lvliang-fenyang/indicators"));
    }

    [Fact]
    public async Task Only_cities_and_districts_take_imports_and_an_unknown_node_is_a_404()
    {
        var body = """{"indicators":[{"name":"hotline.tickets","period":"2026","value":1}]}""";
        var province = await Put("shanxi", body);
        Assert.Equal(HttpStatusCode.BadRequest, province.StatusCode);
        Assert.NotNull((await ReadJson(province))["errors"]!["id"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Put("atlantis", body)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/nodes/atlantis/indicators")).StatusCode);
    }

}
