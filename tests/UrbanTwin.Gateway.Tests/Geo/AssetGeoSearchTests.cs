using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;
using UrbanTwin.Gateway.Geo;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests.Geo;

/// <summary>Asset searches by place, each compared with a brute-force scan over every asset the plain search lists.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AssetGeoSearchTests(GatewayFixture gateway)
{
    private readonly HttpClient _http = gateway.CreateClient();

    [Fact]
    public async Task Near_finds_what_a_brute_force_great_circle_scan_finds_nearest_first_across_pages()
    {
        var all = await AllAssetsAsync();
        var random = new Random(22);
        for (var round = 0; round < 25; round++)
        {
            var anchor = all[random.Next(all.Count)];
            var (lng, lat) = (anchor.Lng + (random.NextDouble() - 0.5) * 0.02, anchor.Lat + (random.NextDouble() - 0.5) * 0.02);
            var radius = new[] { 200, 500, 1_500, 5_000, 20_000 }[round % 5];
            var expected = all.Select(a => (a.Id, Distance: Haversine(lng, lat, a.Lng, a.Lat))).Where(a => a.Distance <= radius)
                .OrderBy(a => a.Distance).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();

            var found = await PagesAsync(string.Create(CultureInfo.InvariantCulture, $"/api/v1/assets?near={lng:R},{lat:R}&radius={radius}&limit=7"));
            Assert.Equal(expected.Select(e => e.Id), found.Select(f => (string)f["id"]!));
            Assert.All(found.Zip(expected), p => Assert.Equal(p.Second.Distance, (double)p.First["distanceM"]!, 0.02));
        }
    }

    [Fact]
    public async Task A_box_and_a_polygon_find_what_a_brute_force_scan_finds()
    {
        var all = await AllAssetsAsync();
        var factory = NetTopologySuite.NtsGeometryServices.Instance.CreateGeometryFactory(4326);
        var random = new Random(7);
        for (var round = 0; round < 15; round++)
        {
            var centre = all[random.Next(all.Count)];
            var (w, h) = (0.01 + random.NextDouble() * 0.3, 0.01 + random.NextDouble() * 0.3);
            var (minLng, minLat, maxLng, maxLat) = (centre.Lng - w / 2, centre.Lat - h / 2, centre.Lng + w / 2, centre.Lat + h / 2);
            var inBox = all.Where(a => a.Lng >= minLng && a.Lng <= maxLng && a.Lat >= minLat && a.Lat <= maxLat).Select(a => a.Id).Order(StringComparer.Ordinal);
            var box = await PagesAsync(string.Create(CultureInfo.InvariantCulture, $"/api/v1/assets?bbox={minLng:R},{minLat:R},{maxLng:R},{maxLat:R}&limit=50"));
            Assert.Equal(inBox, box.Select(f => (string)f["id"]!).Order(StringComparer.Ordinal));

            // A triangle around the same centre: within is strictly inside.
            Coordinate[] corners = [new(minLng, minLat), new(maxLng, minLat + h / 3), new(centre.Lng, maxLat), new(minLng, minLat)];
            var triangle = factory.CreatePolygon(corners);
            var inside = all.Where(a => triangle.Contains(factory.CreatePoint(new Coordinate(a.Lng, a.Lat)))).Select(a => a.Id).Order(StringComparer.Ordinal);
            var ring = string.Join(",", corners.Select(c => string.Create(CultureInfo.InvariantCulture, $"[{c.X:R},{c.Y:R}]")));
            var found = await PostPagesAsync($$"""{"geometry":{"type":"Polygon","coordinates":[[{{ring}}]]},"relation":"within","limit":40}""");
            Assert.Equal(inside, found.Select(f => (string)f["id"]!).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Near_combines_with_kind_and_node_and_answers_GeoJSON_points()
    {
        var gas = await ReadJson(await _http.GetAsync("/api/v1/assets?near=112.565659,37.736525&radius=5000&kind=gas-pipeline&node=taiyuan"));
        var items = gas["items"]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("gas-pipeline", (string?)i!["kind"]));
        Assert.All(items, i => Assert.StartsWith("taiyuan-", (string?)i!["nodeId"]));

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/assets?near=112.565659,37.736525&radius=5000&kind=gas-pipeline&node=taiyuan");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/geo+json"));
        var response = await _http.SendAsync(request);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var collection = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("FeatureCollection", (string?)collection["type"]);
        var features = collection["features"]!.AsArray();
        Assert.Equal(items.Count, features.Count);
        Assert.All(features, f => Assert.Equal("Point", (string?)f!["geometry"]!["type"]));
        Assert.Equal((double)items[0]!["distanceM"]!, (double)features[0]!["properties"]!["distanceM"]!);

        // One asset: a point Feature, its entity tag not the JSON answer's (a cache cannot give one for the other).
        var json = await _http.GetAsync("/api/v1/assets/taiyuan-xiaodian-gas-001");
        var one = new HttpRequestMessage(HttpMethod.Get, "/api/v1/assets/taiyuan-xiaodian-gas-001");
        one.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/geo+json"));
        one.Headers.IfNoneMatch.Add(json.Headers.ETag!);
        var feature = await _http.SendAsync(one);
        Assert.Equal(HttpStatusCode.OK, feature.StatusCode);
        Assert.NotEqual(json.Headers.ETag, feature.Headers.ETag);
        Assert.Contains("Accept", feature.Headers.Vary);
        var point = JsonNode.Parse(await feature.Content.ReadAsStringAsync())!;
        Assert.Equal(("Feature", "Point", "taiyuan-xiaodian-gas-001"), ((string?)point["type"], (string?)point["geometry"]!["type"], (string?)point["id"]));
    }

    [Theory]
    [InlineData("/api/v1/assets?near=112.53,37.74", "radius")]
    [InlineData("/api/v1/assets?near=112.53,37.74&radius=0", "radius")]
    [InlineData("/api/v1/assets?near=112.53,37.74&radius=-5", "radius")]
    [InlineData("/api/v1/assets?near=112.53,37.74&radius=50001", "radius")]
    [InlineData("/api/v1/assets?near=112.53,37.74&radius=NaN", "radius")]
    [InlineData("/api/v1/assets?near=112.53,37.74&radius=far", "radius")]
    [InlineData("/api/v1/assets?radius=500", "radius")]
    [InlineData("/api/v1/assets?near=112.53,97.74&radius=500", "near")]
    [InlineData("/api/v1/assets?near=here&radius=500", "near")]
    [InlineData("/api/v1/assets?bbox=112.6,37.7,112.5,37.8", "bbox")]
    [InlineData("/api/v1/assets?bbox=112.5,37.7,112.6", "bbox")]
    [InlineData("/api/v1/assets?bbox=112.5,37.7,190,37.8", "bbox")]
    [InlineData("/api/v1/assets?bbox=112.5,37.7,112.6,37.8&near=112.53,37.74&radius=500", "bbox")]
    [InlineData("/api/v1/assets?near=112.53,37.74&radius=500&cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task A_bad_place_is_400_naming_the_parameter(string url, string field)
    {
        var response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await ReadJson(response))["errors"]![field]);
    }

    [Theory]
    [InlineData("""{"relation":"within"}""", "geometry")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.7],[112.6,37.8]]]}}""", "geometry.coordinates[0]")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.8],[112.6,37.7],[112.5,37.8],[112.5,37.7]]]}}""", "geometry")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.7],[112.6,37.8],[112.5,37.7]]]},"relation":"touches"}""", "relation")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.7],[112.6,37.8],[112.5,37.7]]]},"limit":0}""", "limit")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.7],[112.6,37.8],[112.5,37.7]]]},"kind":"volcano"}""", "kind")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.7],[112.6,37.8],[112.5,37.7]]]},"limit":"5"}""", "$.limit")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[112.5,37.7],[112.6,37.7],[112.6,37.8],[112.5,37.7]]]},"shape":1}""", "$.shape")]
    [InlineData("""{"geometry":""", "body")]
    public async Task A_bad_search_body_is_400_naming_the_field(string body, string field)
    {
        var response = await _http.PostAsync("/api/v1/assets/search", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadJson(response);
        Assert.True(problem["errors"]![field] is not null, $"expected an error on {field}: {problem}");
    }

    [Fact]
    public async Task An_asset_far_outside_its_district_is_refused_and_one_inside_is_found_near_its_place()
    {
        var beijing = await _http.PostAsync("/api/v1/assets", new StringContent(
            """[{"id":"taiyuan-xiaodian-geo-far","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"Far","location":{"lng":116.397,"lat":39.909}}]""",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, beijing.StatusCode);
        var problem = await ReadJson(beijing);
        var rejection = problem["rejected"]![0]!;
        Assert.Equal(("outside-district", "[0].location"), ((string?)rejection["reason"], (string?)rejection["field"]));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/assets/taiyuan-xiaodian-geo-far")).StatusCode);

        var inside = await ReadJson(await _http.PostAsync("/api/v1/assets", new StringContent(
            """[{"id":"taiyuan-xiaodian-geo-near","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"Near","location":{"lng":112.5657,"lat":37.7365}}]""",
            Encoding.UTF8, "application/json")));
        Assert.Empty(inside["warnings"]!.AsArray());
        var near = await ReadJson(await _http.GetAsync("/api/v1/assets?near=112.5657,37.7366&radius=50"));
        Assert.Equal("taiyuan-xiaodian-geo-near", (string?)near["items"]![0]!["id"]);
        Assert.Equal(11.1, (double)near["items"]![0]!["distanceM"]!, 0.2); // 0.0001° of latitude
    }

    [Fact]
    public void With_outside_district_set_to_warn_an_asset_far_outside_gets_a_warning_naming_its_location_instead_of_a_refusal()
    {
        // Checked on the rule itself: a second gateway in this process (another embedded silo) would disturb the
        // metrics and heap measurements of the tests beside it.
        var tree = new Nodes.NodeDirectory.Tree(new Contracts.Topology.TopologySnapshot(1, Domain.Topology.ReferenceTopology.Load()));
        var far = new Contracts.Assets.AssetDefinition("taiyuan-xiaodian-geo-warned", "gas-pipeline", "taiyuan-xiaodian", "Far",
            new Contracts.Topology.GeoPoint(116.397, 39.909), 60, [], []);
        var near = far with { Location = new Contracts.Topology.GeoPoint(112.5657, 37.7365) };

        var (refused, none) = Assets.AssetsApi.PlaceCheck(tree, far, 3, new GeoOptions());
        Assert.Null(none);
        Assert.Equal(("outside-district", "[3].location"), (refused!.Reason, refused.Field));

        var (accepted, warning) = Assets.AssetsApi.PlaceCheck(tree, far, 3, new GeoOptions { OutsideDistrict = OutsideDistrict.Warn });
        Assert.Null(accepted);
        Assert.Equal(("taiyuan-xiaodian-geo-warned", "[3].location"), (warning!.Id, warning.Field));
        Assert.Contains("outside the boundary of taiyuan-xiaodian", warning.Detail, StringComparison.Ordinal);

        Assert.Equal((null, null), Assets.AssetsApi.PlaceCheck(tree, near, 0, new GeoOptions { OutsideDistrict = OutsideDistrict.Warn }));
    }

    [Fact]
    public async Task An_alarm_s_surroundings_are_the_assets_within_the_radius_counted_and_the_districts_the_circle_touches()
    {
        const string gas = "taiyuan-xiaodian-gas-002";
        var telemetry = await _http.PostAsync("/api/v1/telemetry?ack=durable", new StringContent(
            $$$"""[{"assetId":"{{{gas}}}","ts":"{{{DateTimeOffset.UtcNow.AddSeconds(1):O}}}","metrics":{"gasLel":70}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, telemetry.StatusCode);
        var alarms = await ReadJson(await _http.GetAsync($"/api/v1/alarms?node=taiyuan-xiaodian&state=active&limit=1000"));
        var id = (string)alarms["items"]!.AsArray().First(a => (string?)a!["assetId"] == gas)!["id"]!;

        var around = await ReadJson(await _http.GetAsync($"/api/v1/alarms/{Uri.EscapeDataString(id)}/surroundings?radius=3000"));
        var asset = await ReadJson(await _http.GetAsync($"/api/v1/assets/{gas}"));
        var (lng, lat) = ((double)asset["location"]!["lng"]!, (double)asset["location"]!["lat"]!);
        var expected = (await AllAssetsAsync()).Where(a => Haversine(lng, lat, a.Lng, a.Lat) <= 3000).Select(a => a.Id).Order(StringComparer.Ordinal);
        Assert.Equal(expected, around["assets"]!.AsArray().Select(a => (string)a!["id"]!).Order(StringComparer.Ordinal));
        Assert.Equal(gas, (string?)around["assets"]![0]!["id"]); // the alarm's own asset, at 0 m
        Assert.Equal(expected.Count(), around["byKind"]!.AsObject().Sum(k => (int)k.Value!["total"]!));
        Assert.True((int)around["byKind"]!["gas-pipeline"]!["alarm"]! >= 1);
        Assert.Contains(around["districts"]!.AsArray(), d => (string?)d!["id"] == "taiyuan-xiaodian");
        Assert.Equal(id, (string?)around["alarm"]!["id"]);

        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync($"/api/v1/alarms/{Uri.EscapeDataString(id)}/surroundings?radius=0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/alarms/taiyuan-xiaodian-gas-002:gasLel:999999/surroundings")).StatusCode);
    }

    private sealed record Located(string Id, double Lng, double Lat);

    /// <summary>Every asset, by the plain search (no place), paged through.</summary>
    private async Task<List<Located>> AllAssetsAsync() =>
        [.. (await PagesAsync("/api/v1/assets?limit=1000")).Select(i => new Located((string)i["id"]!, (double)i["location"]!["lng"]!, (double)i["location"]!["lat"]!))];

    private async Task<List<JsonNode>> PagesAsync(string url)
    {
        var items = new List<JsonNode>();
        for (string? cursor = null; ;)
        {
            var page = await ReadJson(await _http.GetAsync(cursor is null ? url : $"{url}&cursor={cursor}"));
            items.AddRange(page["items"]!.AsArray().Select(i => i!));
            if ((cursor = (string?)page["nextCursor"]) is null)
            {
                return items;
            }
        }
    }

    private async Task<List<JsonNode>> PostPagesAsync(string body)
    {
        var items = new List<JsonNode>();
        for (string? cursor = null; ;)
        {
            var request = JsonNode.Parse(body)!;
            if (cursor is not null)
            {
                request["cursor"] = cursor;
            }
            var page = await ReadJson(await _http.PostAsync("/api/v1/assets/search", new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json")));
            items.AddRange(page["items"]!.AsArray().Select(i => i!));
            if ((cursor = (string?)page["nextCursor"]) is null)
            {
                return items;
            }
        }
    }

    /// <summary>The oracle's own great-circle distance (mean earth radius), written apart from the product's.</summary>
    private static double Haversine(double lng1, double lat1, double lng2, double lat2)
    {
        const double r = 6_371_008.8;
        double Rad(double d) => d * Math.PI / 180;
        var h = Math.Pow(Math.Sin(Rad(lat2 - lat1) / 2), 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Pow(Math.Sin(Rad(lng2 - lng1) / 2), 2);
        return 2 * r * Math.Asin(Math.Sqrt(h));
    }
}
