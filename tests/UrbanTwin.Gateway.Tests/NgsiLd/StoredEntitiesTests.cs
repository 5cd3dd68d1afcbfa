using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace UrbanTwin.Gateway.Tests.NgsiLd;

/// <summary>
/// Entities of types the twin has no model for (a Building, a Vehicle), stored as written so that the broker is complete
/// for its subset (issue #23, part 1): created with a context of their own, read back compacted with it, found by type,
/// q, id and place beside the twin's own entities, updated, replaced, deleted (ETSI GS CIM 009 clauses 6.4 to 6.7, 6.14 to 6.17).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class StoredEntitiesTests(GatewayFixture gateway) : IAsyncLifetime
{
    private readonly HttpClient _http = gateway.CreateDefaultClient();
    private readonly ContextServer _contexts = new();

    public async Task InitializeAsync()
    {
        _contexts.Serve("city", """
            {"@context": {"Building": "https://example.org/city#Building", "height": "https://example.org/city#height",
                          "floors": "https://example.org/city#floors", "owner": {"@id": "https://example.org/city#owner", "@type": "@id"},
                          "certified": "https://example.org/city#certified"}}
            """);
        await _contexts.StartAsync();
    }

    public async Task DisposeAsync() => await _contexts.DisposeAsync();

    private string Link => NgsiLdHttp.ContextLink(_contexts.UrlOf("city"));

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, bool withContext = true) =>
        _http.SendAsync(method, path, body, link: withContext ? Link : null);

    private static string Building(string key, double height, double lng, string extra = "") => $$$"""
        {"id":"urn:example:building:{{{key}}}","type":"Building","height":{"type":"Property","value":{{{height}}},"unitCode":"MTR","certified":{"type":"Property","value":true}},
         "location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[{{{lng}}},37.80]}}{{{extra}}}}
        """;

    private async Task<JsonNode> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task A_building_is_stored_as_written_and_read_back_compacted_with_the_context_it_was_written_with()
    {
        var created = await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities",
            Building("st-1", 42.5, 112.55, ""","owner":{"type":"Relationship","object":"urn:example:org:1"},"floors":{"type":"Property","value":12}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var entity = await Json(await SendAsync(HttpMethod.Get, "/ngsi-ld/v1/entities/urn:example:building:st-1"));
        Assert.Equal("Building", (string?)entity["type"]);
        Assert.Equal((42.5, "MTR", true), ((double)entity["height"]!["value"]!, (string?)entity["height"]!["unitCode"], (bool)entity["height"]!["certified"]!["value"]!));
        Assert.Equal("urn:example:org:1", (string?)entity["owner"]!["object"]);

        // Without the context its names are IRIs: they were stored expanded, not as the terms they were written as.
        var plain = await Json(await SendAsync(HttpMethod.Get, "/ngsi-ld/v1/entities/urn:example:building:st-1", withContext: false));
        Assert.Equal("https://example.org/city#Building", (string?)plain["type"]);
        Assert.Equal(42.5, (double)plain["https://example.org/city#height"]!["value"]!);
        Assert.Equal(12, (int)plain["https://example.org/city#floors"]!["value"]!);

        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities", Building("st-1", 1, 112.55))).StatusCode);
    }

    [Fact]
    public async Task Buildings_are_found_by_type_q_id_and_place_and_only_their_own_type_matches()
    {
        var batch = $"[{Building("sq-1", 10, 112.601)},{Building("sq-2", 30, 112.602)},{Building("sq-3", 50, 112.603)}]";
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entityOperations/upsert", batch)).StatusCode);

        async Task<List<string>> Ids(string query) =>
            [.. (await Json(await SendAsync(HttpMethod.Get, "/ngsi-ld/v1/entities?" + query))).AsArray().Select(e => (string)e!["id"]!)];
        Assert.Equal(["urn:example:building:sq-2", "urn:example:building:sq-3"], await Ids("type=Building&idPattern=:sq-&q=height>20"));
        Assert.Equal(["urn:example:building:sq-3"], await Ids("type=Building&idPattern=:sq-&q=height.certified==true;height>=50"));
        Assert.Equal(["urn:example:building:sq-1"], await Ids("id=urn:example:building:sq-1,urn:example:building:none"));
        Assert.Equal(["urn:example:building:sq-2"],
            await Ids("type=Building&georel=near;maxDistance==50&geometry=Point&coordinates=%5B112.602,37.80%5D"));
        Assert.Empty(await Ids("type=GasPipeline&idPattern=:sq-"));
        var counted = await SendAsync(HttpMethod.Get, "/ngsi-ld/v1/entities?type=Building,WaterMain&idPattern=building:sq-&count=true&limit=0");
        Assert.Equal("3", counted.Headers.GetValues("NGSILD-Results-Count").Single());
    }

    [Fact]
    public async Task Updates_merge_attributes_upsert_replaces_them_and_delete_removes_the_entity_from_the_index()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities", Building("su-1", 20, 112.7))).StatusCode);
        const string id = "urn:example:building:su-1";
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs", """{"floors":{"type":"Property","value":6}}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs/height", """{"type":"Property","value":21}""")).StatusCode);
        var merged = await Json(await SendAsync(HttpMethod.Get, $"/ngsi-ld/v1/entities/{id}?options=keyValues"));
        Assert.Equal((21.0, 6), ((double)merged["height"]!, (int)merged["floors"]!));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs/roof", """{"type":"Property","value":"flat"}""")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entityOperations/upsert", $"[{Building("su-1", 22, 112.7)}]")).StatusCode);
        var replaced = await Json(await SendAsync(HttpMethod.Get, $"/ngsi-ld/v1/entities/{id}?options=keyValues"));
        Assert.Equal(22.0, (double)replaced["height"]!);
        Assert.Null(replaced["floors"]); // replaced: only what the upsert carried

        var other = await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entityOperations/upsert", """[{"id":"urn:example:building:su-1","type":"Vehicle"}]""");
        Assert.Equal((HttpStatusCode)207, other.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/ngsi-ld/v1/entities/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"/ngsi-ld/v1/entities/{id}")).StatusCode);
        Assert.Empty((await Json(await SendAsync(HttpMethod.Get, "/ngsi-ld/v1/entities?type=Building&idPattern=:su-1"))).AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, $"/ngsi-ld/v1/entities/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Patch, $"/ngsi-ld/v1/entities/{id}/attrs", """{"floors":{"type":"Property","value":1}}""")).StatusCode);
    }

    [Fact]
    public async Task Appending_attributes_adds_them_and_noOverwrite_keeps_those_the_entity_has()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities", Building("sa-1", 15, 112.9))).StatusCode);
        const string attrs = "/ngsi-ld/v1/entities/urn:example:building:sa-1/attrs";
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, attrs, """{"floors":{"type":"Property","value":4}}""")).StatusCode);
        var kept = await SendAsync(HttpMethod.Post, attrs + "?options=noOverwrite", """{"floors":{"type":"Property","value":9},"owner":{"type":"Relationship","object":"urn:example:org:2"}}""");
        Assert.Equal((HttpStatusCode)207, kept.StatusCode);
        var result = await Json(kept);
        Assert.Equal(["owner"], result["updated"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(["floors"], result["notUpdated"]!.AsArray().Select(a => (string)a!["attributeName"]!));
        var entity = await Json(await SendAsync(HttpMethod.Get, "/ngsi-ld/v1/entities/urn:example:building:sa-1?options=keyValues"));
        Assert.Equal((4, "urn:example:org:2", 15.0), ((int)entity["floors"]!, (string?)entity["owner"], (double)entity["height"]!));
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, attrs, """{"floors":{"type":"Property","value":9}}""")).StatusCode);
        Assert.Equal(9, (int)(await Json(await SendAsync(HttpMethod.Get, "/ngsi-ld/v1/entities/urn:example:building:sa-1?options=keyValues")))["floors"]!);
        await NgsiLdHttp.AssertError(await SendAsync(HttpMethod.Post, attrs + "?options=replace", """{"floors":{"type":"Property","value":1}}"""),
            HttpStatusCode.BadRequest, "BadRequestData", "options");
        await NgsiLdHttp.AssertError(await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities/urn:example:building:none/attrs", """{"floors":{"type":"Property","value":1}}"""),
            HttpStatusCode.NotFound, "ResourceNotFound");
    }

    [Fact]
    public async Task A_stored_entity_has_no_temporal_evolution_here()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/ngsi-ld/v1/entities", Building("stt-1", 5, 112.8))).StatusCode);
        var temporal = await SendAsync(HttpMethod.Get, "/ngsi-ld/v1/temporal/entities/urn:example:building:stt-1");
        Assert.Equal((HttpStatusCode)422, temporal.StatusCode);
    }
}
