using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.Tests.NgsiLd;

/// <summary>
/// Entity writes as ETSI GS CIM 009 V1.8.1 words them: clause 6.4.3.1 (Create Entity: 201 and Location, AlreadyExists),
/// 6.5.3.2 (Delete Entity), 6.6.3.3 (Update Attributes), 6.7.3.3 (Partial Attribute Update), 6.3.4 and 6.3.5 (the body's
/// context); an asset's readings validated as telemetry is, and a refused write changing nothing.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class EntityWritesTests(GatewayFixture gateway) : IAsyncLifetime
{
    private readonly HttpClient _http = gateway.CreateDefaultClient();
    private readonly ContextServer _contexts = new();

    public async Task InitializeAsync()
    {
        _contexts.Serve("pipes", """{"@context": {"Pipe": "https://uri.etsi.org/ngsi-ld/default-context/GasPipeline", "LEL": "https://uri.etsi.org/ngsi-ld/default-context/gasLel"}}""");
        await _contexts.StartAsync();
    }

    public async Task DisposeAsync() => await _contexts.DisposeAsync();

    private string PipesLink => NgsiLdHttp.ContextLink(_contexts.UrlOf("pipes"));

    private static string Now(int secondsAgo = 0) => DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private static string Pipe(string key, double lel, string? ts = null) => $$$"""
        {"id":"urn:ngsi-ld:GasPipeline:{{{key}}}","type":"GasPipeline","name":{"type":"Property","value":"NGSI-LD pipe {{{key}}}"},
         "location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},
         "gasLel":{"type":"Property","value":{{{lel}}},"observedAt":"{{{ts ?? Now(1)}}}"}}
        """;

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string type = "application/json", string? link = null) =>
        _http.SendAsync(method, path, body, type, link: link);

    private static Task AssertError(HttpResponseMessage response, HttpStatusCode status, string type, string? mentions = null) =>
        NgsiLdHttp.AssertError(response, status, type, mentions);

    private async Task<JsonNode> Entity(string id, string? link = null)
    {
        var response = await SendAsync(HttpMethod.Get, "/ngsi-ld/v1/entities/" + id, link: link);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task An_entity_created_with_its_own_context_is_an_asset_read_back_compacted_with_that_context()
    {
        const string body = """
            {"id":"urn:ngsi-ld:GasPipeline:ngsiw-ctx-1","type":"Pipe","name":{"type":"Property","value":"Valve well by context"},
             "location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},
             "LEL":{"type":"Property","value":12.5},"material":{"type":"Property","value":"PE"}}
            """;
        var created = await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities", body, link: PipesLink);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/ngsi-ld/v1/entities/urn%3Angsi-ld%3AGasPipeline%3Angsiw-ctx-1", created.Headers.Location?.OriginalString);

        var entity = await Entity("urn:ngsi-ld:GasPipeline:ngsiw-ctx-1", PipesLink);
        Assert.Equal("Pipe", (string?)entity["type"]);
        Assert.Equal(12.5, (double)entity["LEL"]!["value"]!);
        Assert.Equal("PE", (string?)entity["material"]!["value"]);
        Assert.Equal("urn:ngsi-ld:AdministrativeArea:jinzhong-yuci", (string?)entity["containedIn"]!["object"]); // the district its location lies in

        var asset = JsonNode.Parse(await _http.GetStringAsync("/api/v1/assets/ngsiw-ctx-1"))!;
        Assert.Equal(("gas-pipeline", "jinzhong-yuci", 12.5), ((string?)asset["kind"], (string?)asset["nodeId"], (double)asset["readings"]!["gasLel"]!["value"]!));

        await AssertError(await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities", body, link: PipesLink), HttpStatusCode.Conflict, "AlreadyExists");
    }

    [Fact]
    public async Task A_JSON_LD_body_carries_its_context_and_an_observedAt_becomes_the_readings_time()
    {
        var body = Pipe("ngsiw-ld-1", 7, "2026-12-01T08:00:00Z").TrimEnd()[..^1] + $$""","@context":["{{_contexts.UrlOf("pipes")}}","{{ContextResolver.CoreUrl}}"]}""";
        var created = await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities", body, "application/ld+json");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var entity = await Entity("urn:ngsi-ld:GasPipeline:ngsiw-ld-1");
        Assert.Equal("2026-12-01T08:00:00.000Z", (string?)entity["gasLel"]!["observedAt"]);
    }

    [Theory]
    [InlineData("""{"id":"urn:ngsi-ld:WaterMain:ngsiw-bad-1","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}}}""", 400, "BadRequestData", "id:")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-16","type":"Building","height":{"type":"Property","value":30}}""", 400, "BadRequestData", "GasPipeline's id")]
    [InlineData("""{"id":"urn:ngsi-ld:AdministrativeArea:x","type":"AdministrativeArea"}""", 422, "OperationNotSupported", "topology")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-2","type":"GasPipeline"}""", 400, "BadRequestData", "location")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-3","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[113.9,35.3]}},"containedIn":{"type":"Relationship","object":"urn:ngsi-ld:AdministrativeArea:jinzhong-yuci"}}""", 400, "BadRequestData", "outside the boundary")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-4","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},"gasLel":{"type":"Property","value":140}}""", 400, "BadRequestData", "gasLel: 140 is outside")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-5","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},"o2":{"type":"Property","value":20}}""", 400, "BadRequestData", "not a metric of gas-pipeline")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-6","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},"status":{"type":"Property","value":"normal"}}""", 400, "BadRequestData", "status is concluded")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-7","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},"gasLel":{"type":"Property","value":3,"observedAt":"yesterday"}}""", 400, "BadRequestData", "observedAt")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-8","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},"gasLel":{"type":"Property","value":3,"observedAt":"2099-01-01T00:00:00Z"}}""", 400, "BadRequestData", "ahead of the server clock")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-9","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},"gasLel":{"type":"Relationship","object":"urn:x:y"}}""", 400, "BadRequestData", "gasLel")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-10","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71]}}}""", 400, "BadRequestData", "location")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-11","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},"gasLel":[{"type":"Property","value":3,"datasetId":"urn:a"}]}""", 422, "OperationNotSupported", "datasetId")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-12","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},"material":{"value":"PE"}}""", 400, "BadRequestData", "material")]
    [InlineData("""{"type":"GasPipeline"}""", 400, "BadRequestData", "id")]
    [InlineData("""{"id":"not a uri","type":"GasPipeline"}""", 400, "BadRequestData", "id")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-13"}""", 400, "BadRequestData", "type")]
    [InlineData("""[{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-14","type":"GasPipeline"}]""", 400, "BadRequestData", "body")]
    [InlineData("""{"id":"urn:ngsi-ld:GasPipeline:ngsiw-bad-15","type":"GasPipeline",""", 400, "InvalidRequest", "not JSON")]
    public async Task A_refused_entity_names_what_is_wrong_and_creates_nothing(string body, int status, string type, string mentions)
    {
        await AssertError(await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities", body), (HttpStatusCode)status, type, mentions);
        if (JsonNode.Parse(body.EndsWith(',') ? "{}" : body) is JsonObject { } entity && (string?)entity["id"] is { } id && id.StartsWith("urn:ngsi-ld:GasPipeline:", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/assets/" + id.Split(':')[^1])).StatusCode);
        }
    }

    [Fact]
    public async Task Updating_attributes_applies_readings_as_telemetry_and_changes_the_registration()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities", Pipe("ngsiw-upd-1", 4, Now(10)))).StatusCode);
        const string id = "urn:ngsi-ld:GasPipeline:ngsiw-upd-1";

        var patched = await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs",
            $$$"""{"gasLel":{"type":"Property","value":55,"observedAt":"{{{Now(5)}}}"},"name":{"type":"Property","value":"Renamed well"},"material":{"type":"Property","value":"steel"}}""");
        Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        var entity = await Entity(id);
        Assert.Equal((55.0, "alarm", "Renamed well", "steel"),
            ((double)entity["gasLel"]!["value"]!, (string?)entity["status"]!["value"], (string?)entity["name"]!["value"], (string?)entity["material"]!["value"]));

        // Appending with noOverwrite keeps what the asset has (its name) and takes the rest (a registered attribute).
        var appended = await SendAsync(HttpMethod.Post, $"/ngsi-ld/v1/entities/{id}/attrs?options=noOverwrite",
            """{"name":{"type":"Property","value":"Not taken"},"diameter":{"type":"Property","value":"DN300"}}""");
        Assert.Equal((HttpStatusCode)207, appended.StatusCode);
        Assert.Equal(("Renamed well", "DN300"), ((string?)(await Entity(id))["name"]!["value"], (string?)(await Entity(id))["diameter"]!["value"]));

        var one = await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs/pressure", """{"type":"Property","value":0.3}""");
        Assert.Equal(HttpStatusCode.NoContent, one.StatusCode);
        Assert.Equal(0.3, (double)(await Entity(id))["pressure"]!["value"]!);

        // Refusals: each changes nothing.
        await AssertError(await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs", $$$"""{"gasLel":{"type":"Property","value":20,"observedAt":"{{{Now(60)}}}"}}"""),
            HttpStatusCode.BadRequest, "BadRequestData", "stale-timestamp");
        await AssertError(await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs", """{"flow":{"type":"Property","value":2}}"""),
            HttpStatusCode.BadRequest, "BadRequestData", "not a metric");
        await AssertError(await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs/colour", """{"type":"Property","value":"red"}"""),
            HttpStatusCode.NotFound, "ResourceNotFound", "colour");
        await AssertError(await SendAsync(HttpMethod.Patch, "/ngsi-ld/v1/entities/urn:ngsi-ld:GasPipeline:ngsiw-none/attrs", """{"gasLel":{"type":"Property","value":2}}"""),
            HttpStatusCode.NotFound, "ResourceNotFound");
        await AssertError(await SendAsync(HttpMethod.Patch, "/ngsi-ld/v1/entities/urn:ngsi-ld:WaterMain:ngsiw-upd-1/attrs", """{"pressure":{"type":"Property","value":0.9}}"""),
            HttpStatusCode.NotFound, "ResourceNotFound");
        await AssertError(await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs", """{"id":"urn:x:y"}"""), HttpStatusCode.BadRequest, "BadRequestData", "id");
        await AssertError(await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs", "{}"), HttpStatusCode.BadRequest, "BadRequestData", "no attributes");
        await AssertError(await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs", "{\"gasLel\":1}", "text/plain"), HttpStatusCode.UnsupportedMediaType, "about:blank");
        entity = await Entity(id);
        Assert.Equal((55.0, 0.3), ((double)entity["gasLel"]!["value"]!, (double)entity["pressure"]!["value"]!));
    }

    [Fact]
    public async Task Deleting_an_entity_deletes_the_asset_and_an_administrative_area_cannot_be_deleted()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities", Pipe("ngsiw-del-1", 4))).StatusCode);
        const string id = "urn:ngsi-ld:GasPipeline:ngsiw-del-1";
        await AssertError(await SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/entities/urn:ngsi-ld:WaterMain:ngsiw-del-1"), HttpStatusCode.NotFound, "ResourceNotFound");
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/entities/" + id)).StatusCode);
        await AssertError(await SendAsync(HttpMethod.Get, "/ngsi-ld/v1/entities/" + id), HttpStatusCode.NotFound, "ResourceNotFound");
        await AssertError(await SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/entities/" + id), HttpStatusCode.NotFound, "ResourceNotFound");
        await AssertError(await SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/entities/urn:ngsi-ld:AdministrativeArea:taiyuan"), (HttpStatusCode)422, "OperationNotSupported");
        await AssertError(await SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/entities/nota%20uri"), HttpStatusCode.BadRequest, "BadRequestData");
    }
}
