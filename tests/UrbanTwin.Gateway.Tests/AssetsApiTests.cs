using System.Net;
using System.Text;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class AssetsApiTests(GatewayFixture gateway)
{
    private readonly HttpClient _http = gateway.CreateClient();

    private Task<HttpResponseMessage> PostAssets(string body) =>
        _http.PostAsync("/api/v1/assets", new StringContent(body, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Paging_through_a_city_returns_every_asset_once_in_a_stable_order()
    {
        var city = await ReadJson(await _http.GetAsync("/api/v1/nodes/yangquan"));
        var total = (int)city["assets"]!["total"]!;
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ReadJson(await _http.GetAsync($"/api/v1/assets?node=yangquan&limit=7{(cursor is null ? "" : "&cursor=" + cursor)}"));
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 7);
            seen.AddRange(items.Select(i => (string)i!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct().Count());
        Assert.All(seen, id => Assert.StartsWith("yangquan-", id));
    }

    [Fact]
    public async Task Search_filters_by_kind_and_status()
    {
        var page = await ReadJson(await _http.GetAsync("/api/v1/assets?node=jincheng&kind=bridge&limit=1000"));
        var items = page["items"]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("bridge", (string?)i!["kind"]));
        var offline = await ReadJson(await _http.GetAsync("/api/v1/assets?node=jincheng&status=offline"));
        Assert.Empty(offline["items"]!.AsArray()); // just registered: nobody has been silent for 3 intervals yet
    }

    [Fact]
    public async Task Deleting_an_asset_clears_its_alarms_takes_it_out_of_its_district_and_its_id_can_be_registered_anew()
    {
        const string id = "test-delete-pipe-1";
        const string asset = $$$"""[{"id":"{{{id}}}","kind":"gas-pipeline","nodeId":"jinzhong-taigu","name":"to delete","location":{"lng":112.55,"lat":37.42}}]""";
        Assert.Equal(HttpStatusCode.OK, (await PostAssets(asset)).StatusCode);
        var ts = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var posted = await _http.PostAsync("/api/v1/telemetry?ack=durable", new StringContent(
            $$$"""[{"assetId":"{{{id}}}","ts":"{{{ts}}}","metrics":{"gasLel":60}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var alarm = await Grains.Tests.Eventually.Until(async () => (await ReadJson(await _http.GetAsync("/api/v1/alarms?node=jinzhong-taigu&state=active&limit=1000")))["items"]!.AsArray(),
            items => items.Any(i => (string?)i!["assetId"] == id), TimeSpan.FromSeconds(30), "the alarm in the district's list");

        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/api/v1/assets/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/api/v1/assets/{id}")).StatusCode);
        var listed = await ReadJson(await _http.GetAsync("/api/v1/assets?node=jinzhong-taigu&kind=gas-pipeline&limit=1000"));
        Assert.DoesNotContain(listed["items"]!.AsArray(), i => (string?)i!["id"] == id);
        var active = await ReadJson(await _http.GetAsync("/api/v1/alarms?node=jinzhong-taigu&state=active&limit=1000"));
        Assert.DoesNotContain(active["items"]!.AsArray(), i => (string?)i!["assetId"] == id);
        var cleared = await ReadJson(await _http.GetAsync("/api/v1/alarms?node=jinzhong-taigu&state=cleared&limit=1000"));
        Assert.Contains(cleared["items"]!.AsArray(), i => (string?)i!["id"] == (string?)alarm.First(a => (string?)a!["assetId"] == id)!["id"]);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync($"/api/v1/assets/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync("/api/v1/assets/not%20an%20id")).StatusCode);

        var again = await ReadJson(await PostAssets(asset));
        Assert.Equal(1, (int)again["created"]!);
        var fresh = await ReadJson(await _http.GetAsync($"/api/v1/assets/{id}"));
        Assert.Equal("normal", (string?)fresh["status"]);
        Assert.Empty(fresh["readings"]!.AsObject());
    }

    [Fact]
    public async Task Registration_is_idempotent_and_rejects_bad_items_by_field()
    {
        const string good = """{"id":"test-reg-tunnel-1","kind":"utility-tunnel","nodeId":"jinzhong-yuci","name":"Test tunnel","location":{"lng":112.7,"lat":37.7}}""";
        var created = await ReadJson(await PostAssets($"[{good}]"));
        Assert.Equal(1, (int)created["created"]! + (int)created["unchanged"]!);
        var again = await ReadJson(await PostAssets($"[{good}]"));
        Assert.Equal(1, (int)again["unchanged"]!);

        var response = await PostAssets($$$"""
            [
              {{{good}}},
              {"id":"test-reg-2","kind":"volcano","nodeId":"jinzhong-yuci","name":"x","location":{"lng":112.7,"lat":37.7}},
              {"id":"test-reg-3","kind":"gas-pipeline","nodeId":"jinzhong","name":"x","location":{"lng":112.7,"lat":37.7}},
              {"id":"test-reg-4","kind":"gas-pipeline","nodeId":"jinzhong-yuci","name":"x","location":{"lng":212.7,"lat":37.7}},
              {"id":"test-reg-5","kind":"bridge","nodeId":"jinzhong-yuci","name":"x","location":{"lng":112.7,"lat":37.7}},
              {"id":"test-reg-6","kind":"gas-pipeline","nodeId":"jinzhong-yuci","name":"x","location":{"lng":112.7,"lat":37.7},
               "thresholds":{"gasLel":[{"level":"warning","op":"gte","value":60},{"level":"alarm","op":"gte","value":50}]}},
              {"id":"Bad Id","kind":"gas-pipeline","nodeId":"jinzhong-yuci","name":"x","location":{"lng":112.7,"lat":37.7}},
              {{{good}}}
            ]
            """);
        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        var result = await ReadJson(response);
        var fields = result["rejected"]!.AsArray().Select(r => (string)r!["field"]!).ToList();
        Assert.Equal(["[1].kind", "[2].nodeId", "[3].location.lng", "[4].thresholds", "[5].thresholds.gasLel", "[6].id", "[7].id"], fields);
        Assert.Equal(1, (int)result["unchanged"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/assets/test-reg-2")).StatusCode);
    }

    [Fact]
    public async Task Wrong_types_are_400_naming_the_field()
    {
        var response = await PostAssets("""[{"id":"x","kind":"gas-pipeline","location":{"lng":"east","lat":1}}]""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await ReadJson(response))["errors"]!["$[0].location.lng"]);
    }
}
