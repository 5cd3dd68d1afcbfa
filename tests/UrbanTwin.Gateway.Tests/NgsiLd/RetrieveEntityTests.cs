using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.Tests.NgsiLd;

/// <summary>
/// Retrieve Entity, <c>GET /ngsi-ld/v1/entities/{entityId}</c>, as ETSI GS CIM 009 V1.8.1 words it: clause 6.5.3.1
/// (the operation and its errors), 4.5.1 (normalized), 4.5.4 (simplified), 4.5.17 (GeoJSON), 6.3.5 (JSON-LD
/// context in a Link header or in the body), 6.3.2 and 5.5.2 (error types and statuses).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RetrieveEntityTests(GatewayFixture gateway) : IAsyncLifetime
{
    private const string Pipe = "taiyuan-xiaodian-ngsi-pipe";
    private const string PipeUrn = "urn:ngsi-ld:GasPipeline:" + Pipe;
    private const string CoreLink = $"<{ContextResolver.CoreUrl}>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";
    private static readonly DateTimeOffset ObservedAt = DateTimeOffset.UtcNow.AddSeconds(-5);
    private readonly HttpClient _http = gateway.CreateDefaultClient();
    private readonly ContextServer _contexts = new();

    public async Task InitializeAsync()
    {
        _contexts.Serve("pipes", """{"@context": {"Pipe": "https://uri.etsi.org/ngsi-ld/default-context/GasPipeline", "LEL": "https://uri.etsi.org/ngsi-ld/default-context/gasLel"}}""");
        await _contexts.StartAsync();
        var registered = await _http.PostAsync("/api/v1/assets", new StringContent(
            $$$"""[{"id":"{{{Pipe}}}","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"Xiaodian valve well 7","location":{"lng":112.5657,"lat":37.7365}}]""",
            Encoding.UTF8, "application/json"));
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var ts = ObservedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var posted = await _http.PostAsync("/api/v1/telemetry?ack=durable", new StringContent(
            $$$"""[{"assetId":"{{{Pipe}}}","ts":"{{{ts}}}","metrics":{"gasLel":30,"pressure":0.4}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
    }

    public async Task DisposeAsync() => await _contexts.DisposeAsync();

    private Task<HttpResponseMessage> GetAsync(string path, string? accept = null, string? link = null) =>
        _http.SendAsync(HttpMethod.Get, path, accept: accept, link: link);

    private static async Task<JsonObject> Body(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    [Fact]
    public async Task An_asset_is_a_normalized_entity_with_its_metrics_location_status_and_district_and_the_core_context_in_a_Link_header()
    {
        var response = await GetAsync("/ngsi-ld/v1/entities/" + PipeUrn);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(CoreLink, response.Headers.GetValues("Link").Single());
        var entity = await Body(response);
        Assert.Equal(PipeUrn, (string?)entity["id"]);
        Assert.Equal("GasPipeline", (string?)entity["type"]);
        Assert.Null(entity["@context"]);
        var lel = entity["gasLel"]!;
        Assert.Equal(("Property", 30.0, "P1"), ((string?)lel["type"], (double)lel["value"]!, (string?)lel["unitCode"]));
        Assert.Equal(ObservedAt.ToUnixTimeMilliseconds(), DateTimeOffset.Parse((string)lel["observedAt"]!).ToUnixTimeMilliseconds());
        Assert.EndsWith("Z", (string)lel["observedAt"]!, StringComparison.Ordinal);
        Assert.Equal(("Property", "warning"), ((string?)lel["alarmLevel"]!["type"], (string?)lel["alarmLevel"]!["value"]));
        Assert.Equal("MPA", (string?)entity["pressure"]!["unitCode"]);
        Assert.Equal("GeoProperty", (string?)entity["location"]!["type"]);
        Assert.Equal("""{"type":"Point","coordinates":[112.5657,37.7365]}""", entity["location"]!["value"]!.ToJsonString());
        Assert.Equal(("Property", "warning"), ((string?)entity["status"]!["type"], (string?)entity["status"]!["value"]));
        Assert.Equal(1, (int)entity["activeAlarms"]!["value"]!);
        Assert.Equal(("Relationship", "urn:ngsi-ld:AdministrativeArea:taiyuan-xiaodian"),
            ((string?)entity["containedIn"]!["type"], (string?)entity["containedIn"]!["object"]));
    }

    [Fact]
    public async Task As_JSON_LD_the_context_is_in_the_body_and_not_in_a_Link_header()
    {
        var response = await GetAsync("/ngsi-ld/v1/entities/" + PipeUrn, accept: "application/ld+json");
        Assert.Equal("application/ld+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Link"));
        Assert.Equal(ContextResolver.CoreUrl, (string?)(await Body(response))["@context"]);
    }

    [Fact]
    public async Task Simplified_gives_each_attribute_s_value_and_attrs_keeps_only_those_named()
    {
        var simplified = await Body(await GetAsync($"/ngsi-ld/v1/entities/{PipeUrn}?options=keyValues"));
        Assert.Equal(30.0, (double)simplified["gasLel"]!);
        Assert.Equal("Point", (string?)simplified["location"]!["type"]);
        Assert.Equal("urn:ngsi-ld:AdministrativeArea:taiyuan-xiaodian", (string?)simplified["containedIn"]);

        var some = await Body(await GetAsync($"/ngsi-ld/v1/entities/{PipeUrn}?attrs=gasLel,location&options=simplified"));
        Assert.Equal(["id", "type", "location", "gasLel"], some.Select(p => p.Key)); // in the entity's own order
    }

    [Fact]
    public async Task With_a_user_context_from_an_allowed_host_names_are_compacted_and_attrs_expanded_with_it()
    {
        var link = $"<{_contexts.UrlOf("pipes")}>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";
        var response = await GetAsync($"/ngsi-ld/v1/entities/{PipeUrn}?attrs=LEL", link: link);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_contexts.UrlOf("pipes"), response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        var entity = await Body(response);
        Assert.Equal("Pipe", (string?)entity["type"]);
        Assert.Equal(["id", "type", "LEL"], entity.Select(p => p.Key));

        var typed = await GetAsync($"/ngsi-ld/v1/entities/{PipeUrn}?type=Pipe", link: link);
        Assert.Equal(HttpStatusCode.OK, typed.StatusCode);
        var otherType = await Body(await GetAsync($"/ngsi-ld/v1/entities/{PipeUrn}?type=WaterMain"));
        Assert.Equal("https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound", (string?)otherType["type"]);
    }

    [Fact]
    public async Task A_city_is_an_administrative_area_with_its_roll_up_its_parent_and_its_districts()
    {
        var city = await Body(await GetAsync("/ngsi-ld/v1/entities/urn:ngsi-ld:AdministrativeArea:taiyuan"));
        Assert.Equal("AdministrativeArea", (string?)city["type"]);
        Assert.Equal(("Taiyuan", "太原市", "city"), ((string?)city["name"]!["value"], (string?)city["alternateName"]!["value"], (string?)city["administrativeLevel"]!["value"]));
        Assert.Equal("urn:ngsi-ld:AdministrativeArea:central", (string?)city["containedIn"]!["object"]);
        var parts = city["hasPart"]!["object"]!.AsArray().Select(p => (string)p!).ToList();
        Assert.Equal(10, parts.Count);
        Assert.Contains("urn:ngsi-ld:AdministrativeArea:taiyuan-xiaodian", parts);
        var count = city["assetCount"]!;
        Assert.True((int)count["value"]! > 0);
        Assert.Equal((int)count["value"]!, new[] { "normal", "warning", "alarm", "offline" }.Sum(s => (int)count[s]!["value"]!));
        Assert.Equal("GeoProperty", (string?)city["location"]!["type"]);
    }

    [Fact]
    public async Task An_air_quality_station_is_AirQualityObserved_with_its_pollutants_and_its_AQI()
    {
        var seat = JsonNode.Parse(await _http.GetStringAsync("/api/v1/nodes/jinzhong-yuci"))!["location"]!;
        var registered = await _http.PostAsync("/api/v1/assets", new StringContent(
            $$$"""[{"id":"jinzhong-yuci-ngsi-air","kind":"air-quality-station","nodeId":"jinzhong-yuci","name":"Yuci station","location":{{{seat.ToJsonString()}}}}]""",
            Encoding.UTF8, "application/json"));
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var ts = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var posted = await _http.PostAsync("/api/v1/telemetry?ack=durable", new StringContent(
            $$$"""[{"assetId":"jinzhong-yuci-ngsi-air","ts":"{{{ts}}}","metrics":{"pm25":50,"pm10":60,"so2":10,"no2":20,"co":0.5,"o3":50}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var station = await Body(await GetAsync("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:jinzhong-yuci-ngsi-air?options=keyValues"));
        Assert.Equal("AirQualityObserved", (string?)station["type"]);
        Assert.Equal(50.0, (double)station["pm25"]!);
        // PM2.5 at 50 µg/m³ is IAQI 69 (35–75 maps to 50–100: 68.75, rounded up), above every other pollutant's
        // (PM10 at 60 is 55). Kept below the air-quality tests' worst city, which share this gateway's rankings.
        Assert.Equal((69, "good"), ((int)station["airQualityIndex"]!, (string?)station["airQualityLevel"]));
        var normalized = await Body(await GetAsync("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:jinzhong-yuci-ngsi-air?attrs=airQualityIndex,pm25"));
        Assert.Equal("GQ", (string?)normalized["pm25"]!["unitCode"]);
        Assert.Equal("""["pm25"]""", normalized["airQualityIndex"]!["primaryPollutant"]!["value"]!.ToJsonString());
    }

    [Fact]
    public async Task As_GeoJSON_an_entity_is_a_Feature_with_its_location_as_geometry()
    {
        var response = await GetAsync("/ngsi-ld/v1/entities/" + PipeUrn, accept: "application/geo+json");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var feature = await Body(response);
        Assert.Equal(("Feature", PipeUrn), ((string?)feature["type"], (string?)feature["id"]));
        Assert.Equal("""{"type":"Point","coordinates":[112.5657,37.7365]}""", feature["geometry"]!.ToJsonString());
        Assert.Equal("GasPipeline", (string?)feature["properties"]!["type"]);
        Assert.Equal(30.0, (double)feature["properties"]!["gasLel"]!["value"]!);
    }

    [Theory]
    [InlineData("/ngsi-ld/v1/entities/urn:ngsi-ld:GasPipeline:no-such-asset", null, null, 404, "ResourceNotFound")]
    [InlineData("/ngsi-ld/v1/entities/urn:ngsi-ld:WaterMain:" + Pipe, null, null, 404, "ResourceNotFound")] // an asset of another type
    [InlineData("/ngsi-ld/v1/entities/urn:ngsi-ld:AdministrativeArea:atlantis", null, null, 404, "ResourceNotFound")]
    [InlineData("/ngsi-ld/v1/entities/not%20a%20uri", null, null, 400, "BadRequestData")]
    [InlineData("/ngsi-ld/v1/entities/" + PipeUrn + "?options=fancy", null, null, 400, "BadRequestData")]
    [InlineData("/ngsi-ld/v1/entities/" + PipeUrn + "?options=keyValues,normalized", null, null, 400, "BadRequestData")]
    [InlineData("/ngsi-ld/v1/entities/" + PipeUrn + "?attrs=", null, null, 400, "BadRequestData")]
    [InlineData("/ngsi-ld/v1/entities/" + PipeUrn + "?colour=red", null, null, 400, "BadRequestData")]
    [InlineData("/ngsi-ld/v1/entities/" + PipeUrn, "text/html", null, 406, null)]
    [InlineData("/ngsi-ld/v1/entities/" + PipeUrn, null, "<https://contexts.example.org/c.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"", 503, "LdContextNotAvailable")]
    [InlineData("/ngsi-ld/v1/entities/" + PipeUrn, null, "<a>; rel=\"http://www.w3.org/ns/json-ld#context\"", 400, "BadRequestData")]
    public async Task What_cannot_be_answered_is_an_NGSI_LD_error_with_the_specification_s_status(string path, string? accept, string? link, int status, string? type)
    {
        var response = await GetAsync(path, accept, link);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Body(response);
        Assert.Equal(type is null ? "about:blank" : "https://uri.etsi.org/ngsi-ld/errors/" + type, (string?)problem["type"]);
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
    }

    [Fact]
    public async Task Two_JSON_LD_context_links_are_BadRequestData()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ngsi-ld/v1/entities/" + PipeUrn);
        request.Headers.TryAddWithoutValidation("Link", [CoreLink, CoreLink]);
        var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("https://uri.etsi.org/ngsi-ld/errors/BadRequestData", (string?)(await Body(response))["type"]);
    }
}
