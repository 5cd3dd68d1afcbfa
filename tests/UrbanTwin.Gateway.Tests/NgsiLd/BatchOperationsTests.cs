using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.Tests.NgsiLd;

/// <summary>
/// The batch entity operations of ETSI GS CIM 009 V1.8.1 clauses 6.14 (create), 6.15 (upsert, options=replace|update),
/// 6.16 (update) and 6.17 (delete): 201 or 204 when every entity is done, else 207 with the BatchOperationResult of
/// clause 5.2.16 (<c>success</c>, <c>errors</c> each with the entity id and its problem details).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BatchOperationsTests(GatewayFixture gateway)
{
    private readonly HttpClient _http = gateway.CreateDefaultClient();

    private static string Now(int secondsAgo = 0) => DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private static JsonObject Pipe(string key, double lel, bool withPlace = true, string? observedAt = null)
    {
        var entity = new JsonObject
        {
            ["id"] = $"urn:ngsi-ld:GasPipeline:{key}", ["type"] = "GasPipeline",
            ["gasLel"] = new JsonObject { ["type"] = "Property", ["value"] = lel, ["observedAt"] = observedAt ?? Now(1) },
        };
        if (withPlace)
        {
            entity["location"] = new JsonObject { ["type"] = "GeoProperty", ["value"] = JsonNode.Parse("""{"type":"Point","coordinates":[112.72,37.69]}""") };
        }
        return entity;
    }

    private async Task<HttpResponseMessage> PostAsync(string operation, JsonNode body, string type = "application/json") =>
        await _http.PostAsync($"/ngsi-ld/v1/entityOperations/{operation}", new StringContent(body.ToJsonString(), Encoding.UTF8, type));

    private async Task<double?> LelOf(string key) =>
        (double?)JsonNode.Parse(await _http.GetStringAsync("/api/v1/assets/" + key))!["readings"]?["gasLel"]?["value"];

    private static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    [Fact]
    public async Task Create_answers_201_with_the_ids_and_207_naming_each_failed_entity_with_its_problem()
    {
        var created = await PostAsync("create", new JsonArray(Pipe("ngsib-c-1", 3), Pipe("ngsib-c-2", 4)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("""["urn:ngsi-ld:GasPipeline:ngsib-c-1","urn:ngsi-ld:GasPipeline:ngsib-c-2"]""", (await Json(created)).ToJsonString());

        var mixed = await PostAsync("create", new JsonArray(Pipe("ngsib-c-1", 3), Pipe("ngsib-c-3", 5), Pipe("ngsib-c-4", 5, withPlace: false),
            Pipe("ngsib-c-3", 6), JsonNode.Parse("""{"id":"urn:ngsi-ld:GasPipeline:ngsib-v1","type":"Vehicle"}""")));
        Assert.Equal((HttpStatusCode)207, mixed.StatusCode);
        var result = await Json(mixed);
        Assert.Equal(["urn:ngsi-ld:GasPipeline:ngsib-c-3"], result["success"]!.AsArray().Select(s => (string)s!));
        var errors = result["errors"]!.AsArray().ToDictionary(e => (string)e!["entityId"]!, e => ((string)e!["error"]!["type"]!, (int)e["error"]!["status"]!));
        Assert.Equal(("https://uri.etsi.org/ngsi-ld/errors/AlreadyExists", 409), errors["urn:ngsi-ld:GasPipeline:ngsib-c-1"]);
        Assert.Equal(("https://uri.etsi.org/ngsi-ld/errors/BadRequestData", 400), errors["urn:ngsi-ld:GasPipeline:ngsib-c-4"]);
        Assert.Equal(("https://uri.etsi.org/ngsi-ld/errors/BadRequestData", 400), errors["urn:ngsi-ld:GasPipeline:ngsib-v1"]); // an asset's id for a Vehicle
        Assert.Equal(("https://uri.etsi.org/ngsi-ld/errors/BadRequestData", 400), errors["urn:ngsi-ld:GasPipeline:ngsib-c-3"]); // its second time
        Assert.Equal(4, errors.Count);
        Assert.Equal(5.0, await LelOf("ngsib-c-3")); // the first of the repeated id, not the second
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/assets/ngsib-c-4")).StatusCode);
    }

    [Fact]
    public async Task Upsert_with_options_update_writes_readings_to_the_assets_and_creates_the_ones_missing()
    {
        var keys = Enumerable.Range(1, 40).Select(i => $"ngsib-u-{i}").ToList();
        var first = await PostAsync("upsert?options=update", new JsonArray([.. keys.Select(k => (JsonNode)Pipe(k, 10, observedAt: Now(20)))]));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(keys.Select(k => "urn:ngsi-ld:GasPipeline:" + k), (await Json(first)).AsArray().Select(s => (string)s!));

        // What an IoT Agent sends: measures alone, for entities that exist.
        var measures = new JsonArray([.. keys.Select((k, i) => (JsonNode)Pipe(k, 11 + i, withPlace: false, observedAt: Now(10)))]);
        var again = await PostAsync("upsert?options=update", measures);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(11.0, await LelOf("ngsib-u-1"));
        Assert.Equal(50.0, await LelOf("ngsib-u-40"));

        // A measure for an entity that does not exist, without a location: created it cannot be.
        var partial = await PostAsync("upsert?options=update", new JsonArray(Pipe("ngsib-u-1", 12, withPlace: false, observedAt: Now(5)),
            Pipe("ngsib-u-none", 3, withPlace: false), Pipe("ngsib-u-2", 120, withPlace: false)));
        Assert.Equal((HttpStatusCode)207, partial.StatusCode);
        var result = await Json(partial);
        Assert.Equal(["urn:ngsi-ld:GasPipeline:ngsib-u-1"], result["success"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(["urn:ngsi-ld:GasPipeline:ngsib-u-2", "urn:ngsi-ld:GasPipeline:ngsib-u-none"], result["errors"]!.AsArray().Select(e => (string)e!["entityId"]!).Order());
        Assert.Equal(12.0, await LelOf("ngsib-u-1"));
        Assert.Equal(12.0, await LelOf("ngsib-u-2"));
    }

    [Fact]
    public async Task Upsert_replaces_by_default_and_update_refuses_entities_that_do_not_exist()
    {
        var withMaterial = Pipe("ngsib-r-1", 2);
        withMaterial["material"] = new JsonObject { ["type"] = "Property", ["value"] = "cast-iron" };
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("upsert", new JsonArray(withMaterial))).StatusCode);
        Assert.Equal("cast-iron", (string?)JsonNode.Parse(await _http.GetStringAsync("/api/v1/assets/ngsib-r-1"))!["attributes"]!["material"]);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync("upsert", new JsonArray(Pipe("ngsib-r-1", 3, observedAt: Now())))).StatusCode);
        Assert.Null(JsonNode.Parse(await _http.GetStringAsync("/api/v1/assets/ngsib-r-1"))!["attributes"]!["material"]); // replaced

        var update = await PostAsync("update", new JsonArray(Pipe("ngsib-r-1", 4, withPlace: false, observedAt: Now()), Pipe("ngsib-r-none", 4, withPlace: false)));
        Assert.Equal((HttpStatusCode)207, update.StatusCode);
        var error = (await Json(update))["errors"]!.AsArray().Single()!;
        Assert.Equal(("urn:ngsi-ld:GasPipeline:ngsib-r-none", "https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound"), ((string?)error["entityId"], (string?)error["error"]!["type"]));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/assets/ngsib-r-none")).StatusCode);
    }

    [Fact]
    public async Task Delete_takes_ids_and_answers_207_for_those_it_cannot_delete()
    {
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("create", new JsonArray(Pipe("ngsib-d-1", 2), Pipe("ngsib-d-2", 2)))).StatusCode);
        var partial = await PostAsync("delete", new JsonArray("urn:ngsi-ld:GasPipeline:ngsib-d-1", "urn:ngsi-ld:GasPipeline:ngsib-d-none", 7));
        Assert.Equal((HttpStatusCode)207, partial.StatusCode);
        var result = await Json(partial);
        Assert.Equal(["urn:ngsi-ld:GasPipeline:ngsib-d-1"], result["success"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(2, result["errors"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync("delete", new JsonArray("urn:ngsi-ld:GasPipeline:ngsib-d-2"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/assets/ngsib-d-2")).StatusCode);
    }

    [Fact]
    public async Task In_JSON_LD_each_entity_carries_its_own_context()
    {
        var entity = Pipe("ngsib-ld-1", 2);
        entity["@context"] = ContextResolver.CoreUrl;
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("create", new JsonArray(entity), "application/ld+json")).StatusCode);
        var without = await PostAsync("create", new JsonArray(Pipe("ngsib-ld-2", 2)), "application/ld+json");
        Assert.Equal((HttpStatusCode)207, without.StatusCode);
        Assert.Contains("@context", (string?)(await Json(without))["errors"]![0]!["error"]!["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("create", "{}", 400, "BadRequestData")]
    [InlineData("create", "[]", 400, "BadRequestData")]
    [InlineData("create", "[{\"id\":", 400, "InvalidRequest")]
    [InlineData("upsert?options=merge", "[]", 400, "BadRequestData")]
    [InlineData("update?options=replace", "[]", 400, "BadRequestData")]
    public async Task A_malformed_batch_is_refused_as_a_whole(string operation, string body, int status, string type)
    {
        var response = await _http.PostAsync($"/ngsi-ld/v1/entityOperations/{operation}", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("https://uri.etsi.org/ngsi-ld/errors/" + type, (string?)(await Json(response))["type"]);
    }

    [Fact]
    public async Task More_entities_than_a_telemetry_batch_may_hold_is_413_and_writes_nothing()
    {
        var many = new JsonArray([.. Enumerable.Range(0, GatewayFixture.MaxItemsPerBatch + 1).Select(i => (JsonNode)Pipe($"ngsib-big-{i}", 1))]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync("create", many)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/assets/ngsib-big-0")).StatusCode);
    }
}
