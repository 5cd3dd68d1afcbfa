using System.Net;
using System.Text;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Demo;
using UrbanTwin.Grains.Topology;
using static UrbanTwin.Gateway.Tests.GatewayFixture;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class AirQualityApiTests(GatewayFixture gateway)
{
    private readonly HttpClient _http = gateway.CreateClient();

    [Fact]
    public async Task Stations_show_their_AQI_and_district_and_city_take_theirs_from_mean_concentrations()
    {
        // A district with two stations: PM2.5 20 (IAQI 29) and 140 (IAQI 186). The district's AQI is that of the
        // mean, 80 µg/m³ → 107, not the mean of the two AQIs (107.5 → 108).
        var nodes = ReferenceTopology.Load();
        var district = nodes.Where(n => n.Kind == Contracts.Topology.NodeKind.District)
            .First(d => AssetPlan.ForDistrict(d).Count(a => a.Kind == AssetCatalog.AirQualityStation) >= 2);
        var stations = AssetPlan.ForDistrict(district).Where(a => a.Kind == AssetCatalog.AirQualityStation).Take(2).Select(a => a.Id).ToArray();
        var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        string Item(string id, double pm25) =>
            $$$"""{"assetId":"{{{id}}}","ts":"{{{ts}}}","metrics":{"pm25":{{{pm25}}},"pm10":20,"so2":5,"no2":10,"co":0.3,"o3":30}}""";
        var response = await _http.PostAsync("/api/v1/telemetry",
            new StringContent($"[{Item(stations[0], 20)},{Item(stations[1], 140)}]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var first = (await ReadJson(await _http.GetAsync($"/api/v1/assets/{stations[0]}")))["aqi"]!;
        Assert.Equal(29, (int)first["value"]!);
        Assert.Equal("excellent", (string?)first["category"]);
        var second = (await ReadJson(await _http.GetAsync($"/api/v1/assets/{stations[1]}")))["aqi"]!;
        Assert.Equal((186, "moderately polluted", "#FF0000"), ((int)second["value"]!, (string?)second["category"], (string?)second["color"]));
        Assert.Equal(["pm25"], second["primary"]!.AsArray().Select(p => (string?)p));
        Assert.Null((await ReadJson(await _http.GetAsync($"/api/v1/assets/{district.Id}-gas-001")))["aqi"]);

        var districtAqi = await Eventually.Until(async () => (await ReadJson(await _http.GetAsync($"/api/v1/nodes/{district.Id}")))["aqi"]?["value"] is { } v ? (int)v : 0,
            v => v == 107, TimeSpan.FromSeconds(30), $"{district.Id} AQI");
        Assert.Equal(107, districtAqi);

        // The city ranks first by AQI among the 11 (no other city has station readings in these tests).
        var city = district.ParentId!;
        await Eventually.Until(async () => (await ReadJson(await _http.GetAsync($"/api/v1/nodes/{city}")))["aqi"]?["value"] is { } v ? (int)v : 0,
            v => v == 107, TimeSpan.FromSeconds(30), $"{city} AQI");
        // Rankings read the summaries the cities pushed to their clusters: wait for the push too.
        System.Text.Json.Nodes.JsonArray items = [];
        await Eventually.Until(async () =>
        {
            items = (await ReadJson(await _http.GetAsync("/api/v1/rankings?level=city&metric=aqi")))["items"]!.AsArray();
            return items[0]!["value"] is { } v ? (int)(double)v : 0;
        }, v => v == 107, TimeSpan.FromSeconds(30), "the top of the city AQI ranking");
        Assert.Equal(11, items.Count);
        Assert.Equal((city, 107.0), ((string?)items[0]!["id"], (double)items[0]!["value"]!));
    }

}
