using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Grains.Tests;

namespace UrbanTwin.Gateway.Tests.NgsiLd;

/// <summary>
/// Query Entities as ETSI GS CIM 009 V1.8.1 words it: clause 6.4.3.2 (<c>GET /entities</c>: id, idPattern, type, attrs,
/// q, geo-query, the too-broad query), 6.23.3.1 (<c>POST /entityOperations/query</c> and its Query body, 5.2.23), 4.9
/// (the query language), 4.17 (type selection), 4.10 (geo-queries), 5.5.9 (pagination: limit, offset, count and
/// <c>NGSILD-Results-Count</c>), 4.5.17 (GeoJSON), 6.3.4 and 6.3.5 (bodies and their context).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class QueryEntitiesTests(GatewayFixture gateway) : IAsyncLifetime
{
    private const string Gas = "urn:ngsi-ld:GasPipeline:ngsiq-gas-";
    private const string Water = "urn:ngsi-ld:WaterMain:ngsiq-water-";
    private const string Mine = "idPattern=:ngsiq-";
    private static readonly double[] GasLel = [5, 15, 25, 35, 45];
    private static readonly SemaphoreSlim SeedOnce = new(1, 1);
    private static bool _seeded;
    private readonly HttpClient _http = gateway.CreateDefaultClient();
    private readonly ContextServer _contexts = new();

    /// <summary>Five gas pipelines 176 m apart along a parallel in Yuci (gasLel 5 to 45), two water mains beyond them.</summary>
    private static (double Lng, double Lat) Place(int i) => (Math.Round(112.700 + 0.002 * i, 3), 37.700);

    public async Task InitializeAsync()
    {
        _contexts.Serve("pipes", """{"@context": {"Pipe": "https://uri.etsi.org/ngsi-ld/default-context/GasPipeline", "LEL": "https://uri.etsi.org/ngsi-ld/default-context/gasLel"}}""");
        await _contexts.StartAsync();
        await SeedOnce.WaitAsync();
        try
        {
            if (!_seeded)
            {
                await SeedAsync();
                _seeded = true;
            }
        }
        finally
        {
            SeedOnce.Release();
        }
    }

    public async Task DisposeAsync() => await _contexts.DisposeAsync();

    private async Task SeedAsync()
    {
        var assets = new JsonArray();
        for (var i = 0; i < 7; i++)
        {
            var (lng, lat) = Place(i);
            var gas = i < 5;
            var asset = new JsonObject
            {
                ["id"] = gas ? $"ngsiq-gas-{i + 1}" : $"ngsiq-water-{i - 4}", ["kind"] = gas ? "gas-pipeline" : "water-main",
                ["nodeId"] = "jinzhong-yuci", ["name"] = $"Query test {i}", ["location"] = new JsonObject { ["lng"] = lng, ["lat"] = lat },
            };
            if (i == 0)
            {
                asset["attributes"] = new JsonObject { ["material"] = "cast-iron" };
            }
            assets.Add(asset);
        }
        var registered = await _http.PostAsync("/api/v1/assets", Json(assets.ToJsonString()));
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var ts = DateTimeOffset.UtcNow.AddSeconds(-2).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var readings = new JsonArray();
        for (var i = 0; i < 5; i++)
        {
            readings.Add(new JsonObject { ["assetId"] = $"ngsiq-gas-{i + 1}", ["ts"] = ts, ["metrics"] = new JsonObject { ["gasLel"] = GasLel[i], ["pressure"] = 0.4 } });
        }
        readings.Add(new JsonObject { ["assetId"] = "ngsiq-water-1", ["ts"] = ts, ["metrics"] = new JsonObject { ["pressure"] = 0.3 } });
        readings.Add(new JsonObject { ["assetId"] = "ngsiq-water-2", ["ts"] = ts, ["metrics"] = new JsonObject { ["pressure"] = 0.5 } });
        var posted = await _http.PostAsync("/api/v1/telemetry?ack=durable", Json(readings.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        // The districts hold the values a moment after the assets: wait until a query sees all of them.
        await Eventually.Until(() => Ids($"/ngsi-ld/v1/entities?{Mine}&q=pressure&limit=100"), ids => ids.Count == 7, TimeSpan.FromSeconds(30), "the seven assets' values in their district");
    }

    private static StringContent Json(string body, string type = "application/json") => new(body, Encoding.UTF8, type);

    private Task<HttpResponseMessage> GetAsync(string path, string? accept = null, string? link = null) =>
        _http.SendAsync(HttpMethod.Get, path, accept: accept, link: link);

    private static Task AssertError(HttpResponseMessage response, HttpStatusCode status, string type, string? mentions = null) =>
        NgsiLdHttp.AssertError(response, status, type, mentions);

    private async Task<List<string>> Ids(string path, string? link = null)
    {
        var response = await GetAsync(path, link: link);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return [.. JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(e => (string)e!["id"]!)];
    }

    [Fact]
    public async Task A_type_and_a_q_on_a_metric_select_the_entities_in_id_order_and_count_true_adds_the_total()
    {
        var response = await GetAsync($"/ngsi-ld/v1/entities?type=GasPipeline&{Mine}&q=gasLel>20&count=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3", response.Headers.GetValues("NGSILD-Results-Count").Single());
        var entities = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal([Gas + 3, Gas + 4, Gas + 5], entities.Select(e => (string)e!["id"]!));
        Assert.Equal([25.0, 35.0, 45.0], entities.Select(e => (double)e!["gasLel"]!["value"]!));
        Assert.All(entities, e => Assert.Equal("GasPipeline", (string?)e!["type"]));
        Assert.Contains("ngsi-ld-core-context", response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("q=gasLel>=25;gasLel<45", new[] { 3, 4 })]
    [InlineData("q=gasLel==15|gasLel==45", new[] { 2, 5 })]
    [InlineData("q=gasLel==10..30", new[] { 2, 3 })]
    [InlineData("q=gasLel==5,35", new[] { 1, 4 })]
    [InlineData("q=gasLel!=5;gasLel!=15", new[] { 3, 4, 5 })]
    [InlineData("q=(gasLel<10|gasLel>40);pressure==0.4", new[] { 1, 5 })]
    [InlineData("q=status==%22warning%22", new[] { 3, 4, 5 })]
    [InlineData("q=name~=Query%20test%20[12]$", new[] { 2, 3 })]
    [InlineData("q=containedIn==%22urn:ngsi-ld:AdministrativeArea:jinzhong-yuci%22;activeAlarms>0", new[] { 3, 4, 5 })]
    [InlineData("q=!gasLel", new int[0])]
    [InlineData("q=material==%22cast-iron%22", new[] { 1 })]
    [InlineData("q=gasLel.alarmLevel==%22warning%22", new[] { 3, 4, 5 })]
    [InlineData("q=gasLel.observedAt>2020-01-01T00:00:00Z;gasLel<20", new[] { 1, 2 })]
    public async Task The_query_language_selects_what_clause_4_9_says(string q, int[] expected)
    {
        var ids = await Ids($"/ngsi-ld/v1/entities?type=GasPipeline&{Mine}&{q}&limit=100");
        Assert.Equal(expected.Select(i => Gas + i), ids);
    }

    [Theory]
    [InlineData("GasPipeline,WaterMain", 7)]
    [InlineData("GasPipeline|WaterMain", 7)]
    [InlineData("(GasPipeline|WaterMain);WaterMain", 2)]
    [InlineData("GasPipeline;WaterMain", 0)]
    [InlineData("WaterMain", 2)]
    [InlineData("Building", 0)]
    public async Task The_type_selection_language_picks_types_with_or_and_and(string type, int expected)
    {
        var response = await GetAsync($"/ngsi-ld/v1/entities?type={Uri.EscapeDataString(type)}&{Mine}&count=true&limit=100");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.ToString(), response.Headers.GetValues("NGSILD-Results-Count").Single());
    }

    [Fact]
    public async Task Ids_select_those_entities_only_and_an_id_of_another_type_selects_none()
    {
        var ids = await Ids($"/ngsi-ld/v1/entities?id={Gas}2,{Water}1,urn:ngsi-ld:WaterMain:ngsiq-gas-3,urn:ngsi-ld:AdministrativeArea:jinzhong-yuci");
        Assert.Equal(["urn:ngsi-ld:AdministrativeArea:jinzhong-yuci", Gas + 2, Water + 1], ids);
    }

    [Fact]
    public async Task Limit_and_offset_page_through_a_stable_order_and_limit_0_with_count_answers_the_count_alone()
    {
        var all = await Ids($"/ngsi-ld/v1/entities?{Mine}&limit=100");
        Assert.Equal(7, all.Count);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        var pages = new List<string>();
        for (var offset = 0; offset < 7; offset += 3)
        {
            pages.AddRange(await Ids($"/ngsi-ld/v1/entities?{Mine}&limit=3&offset={offset}"));
        }
        Assert.Equal(all, pages);
        Assert.Empty(await Ids($"/ngsi-ld/v1/entities?{Mine}&offset=7"));
        var countOnly = await GetAsync($"/ngsi-ld/v1/entities?{Mine}&limit=0&count=true");
        Assert.Equal(HttpStatusCode.OK, countOnly.StatusCode);
        Assert.Equal("7", countOnly.Headers.GetValues("NGSILD-Results-Count").Single());
        Assert.Equal("[]", await countOnly.Content.ReadAsStringAsync());
        Assert.False((await GetAsync($"/ngsi-ld/v1/entities?{Mine}")).Headers.Contains("NGSILD-Results-Count"));
    }

    [Theory]
    [InlineData("near;maxDistance==400", "Point", "[112.704,37.700]")]
    [InlineData("near;minDistance==500", "Point", "[112.704,37.700]")]
    [InlineData("near;minDistance==100;maxDistance==600", "Point", "[112.700,37.7003]")]
    [InlineData("within", "Polygon", "[[[112.703,37.69],[112.709,37.69],[112.709,37.71],[112.703,37.71],[112.703,37.69]]]")]
    [InlineData("intersects", "Polygon", "[[[112.704,37.69],[112.709,37.69],[112.709,37.71],[112.704,37.71],[112.704,37.69]]]")]
    [InlineData("within", "Polygon", "[[[112.704,37.69],[112.709,37.69],[112.709,37.71],[112.704,37.71],[112.704,37.69]]]")]
    [InlineData("disjoint", "Polygon", "[[[112.704,37.69],[112.709,37.69],[112.709,37.71],[112.704,37.71],[112.704,37.69]]]")]
    [InlineData("equals", "Point", "[112.706,37.700]")]
    [InlineData("intersects", "Point", "[112.706,37.700]")]
    [InlineData("contains", "Polygon", "[[[112.703,37.69],[112.709,37.69],[112.709,37.71],[112.703,37.71],[112.703,37.69]]]")]
    public async Task A_geo_query_selects_what_a_brute_force_test_of_every_location_selects(string georel, string geometry, string coordinates)
    {
        var ids = await Ids($"/ngsi-ld/v1/entities?{Mine}&georel={Uri.EscapeDataString(georel)}&geometry={geometry}&coordinates={Uri.EscapeDataString(coordinates)}&limit=100");
        var expected = Enumerable.Range(0, 7).Where(i => Expected(i, georel, geometry, JsonNode.Parse(coordinates)!))
            .Select(i => i < 5 ? Gas + (i + 1) : Water + (i - 4)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, ids);
        Assert.NotEqual(expected.Count, georel == "disjoint" ? 0 : 7); // each case tells the entities apart
    }

    /// <summary>The relation of clause 4.10 between a point and the reference geometry, computed the slow way.</summary>
    private static bool Expected(int i, string georel, string geometry, JsonNode coordinates)
    {
        var (lng, lat) = Place(i);
        if (geometry == "Point")
        {
            var (x, y) = ((double)coordinates[0]!, (double)coordinates[1]!);
            var distance = GreatCircle.Metres(x, y, lng, lat);
            var parts = georel.Split(';');
            return parts[0] switch
            {
                "near" => parts.Skip(1).All(p => p.StartsWith("max", StringComparison.Ordinal)
                    ? distance <= double.Parse(p.Split("==")[1]) : distance >= double.Parse(p.Split("==")[1])),
                "equals" or "intersects" => x == lng && y == lat,
                _ => throw new ArgumentException(georel),
            };
        }
        var ring = coordinates[0]!.AsArray().Select(p => ((double)p![0]!, (double)p[1]!)).ToList();
        var (minX, maxX, minY, maxY) = (ring.Min(p => p.Item1), ring.Max(p => p.Item1), ring.Min(p => p.Item2), ring.Max(p => p.Item2));
        var inside = lng > minX && lng < maxX && lat > minY && lat < maxY;
        var onEdge = !inside && lng >= minX && lng <= maxX && lat >= minY && lat <= maxY;
        return georel switch
        {
            "within" => inside,
            "intersects" => inside || onEdge,
            "disjoint" => !inside && !onEdge,
            "contains" => false,
            _ => throw new ArgumentException(georel),
        };
    }

    [Fact]
    public async Task Districts_cities_clusters_and_the_province_are_queried_as_AdministrativeArea()
    {
        var response = await GetAsync("/ngsi-ld/v1/entities?type=AdministrativeArea&q=administrativeLevel==%22city%22&count=true&limit=100&options=keyValues");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("11", response.Headers.GetValues("NGSILD-Results-Count").Single());
        var cities = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Contains(cities, c => (string?)c!["id"] == "urn:ngsi-ld:AdministrativeArea:taiyuan" && (string?)c["name"] == "Taiyuan");
        Assert.All(cities, c => Assert.Equal("city", (string?)c!["administrativeLevel"]));
        var withAssets = await Ids("/ngsi-ld/v1/entities?type=AdministrativeArea&q=containedIn==%22urn:ngsi-ld:AdministrativeArea:jinzhong%22;assetCount>=7&limit=100");
        Assert.Contains("urn:ngsi-ld:AdministrativeArea:jinzhong-yuci", withAssets);
    }

    [Fact]
    public async Task Attrs_keeps_the_entities_with_one_of_them_and_answers_only_those()
    {
        var response = await GetAsync($"/ngsi-ld/v1/entities?{Mine}&attrs=gasLel&limit=100");
        var entities = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(Enumerable.Range(1, 5).Select(i => Gas + i), entities.Select(e => (string)e!["id"]!));
        Assert.All(entities, e => Assert.Equal(["id", "type", "gasLel"], e!.AsObject().Select(p => p.Key)));
        Assert.Equal([Gas + 1], await Ids($"/ngsi-ld/v1/entities?type=GasPipeline&{Mine}&attrs=material"));
    }

    [Fact]
    public async Task Names_in_q_type_and_attrs_are_terms_of_the_context_the_Link_header_names_and_the_answer_is_compacted_with_it()
    {
        var link = NgsiLdHttp.ContextLink(_contexts.UrlOf("pipes"));
        var response = await GetAsync($"/ngsi-ld/v1/entities?type=Pipe&{Mine}&q=LEL>30&attrs=LEL&options=keyValues", link: link);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""[{"id":"urn:ngsi-ld:GasPipeline:ngsiq-gas-4","type":"Pipe","LEL":35},{"id":"urn:ngsi-ld:GasPipeline:ngsiq-gas-5","type":"Pipe","LEL":45}]""",
            await response.Content.ReadAsStringAsync());
        Assert.Contains(_contexts.UrlOf("pipes"), response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_geo_json_answers_a_FeatureCollection_of_the_entities()
    {
        var response = await GetAsync($"/ngsi-ld/v1/entities?type=WaterMain&{Mine}", accept: "application/geo+json");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var collection = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("FeatureCollection", (string?)collection["type"]);
        var features = collection["features"]!.AsArray();
        Assert.Equal([Water + 1, Water + 2], features.Select(f => (string)f!["id"]!));
        Assert.Equal("[112.71,37.7]", features[0]!["geometry"]!["coordinates"]!.ToJsonString());
        Assert.Equal(0.3, (double)features[0]!["properties"]!["pressure"]!["value"]!);
    }

    [Fact]
    public async Task A_q_on_what_only_the_assets_hold_reads_at_most_MaxScannedEntities_and_is_refused_beyond_with_TooManyResults()
    {
        // The fixture allows 5: the five gas pipelines are read and tried, the seven assets are not.
        Assert.Equal([Gas + 1], await Ids($"/ngsi-ld/v1/entities?type=GasPipeline&{Mine}&q=material==%22cast-iron%22"));
        await AssertError(await GetAsync($"/ngsi-ld/v1/entities?{Mine}&q=material==%22cast-iron%22"), HttpStatusCode.Forbidden, "TooManyResults", "at most 5");
        // What the districts answer themselves has no such bound.
        Assert.Equal(7, (await Ids($"/ngsi-ld/v1/entities?{Mine}&q=pressure>0&limit=100")).Count);
    }

    [Fact]
    public async Task The_POST_form_takes_a_Query_with_entity_selectors_q_and_geoQ_in_JSON_or_JSON_LD()
    {
        const string query = """
            {"type":"Query","entities":[{"type":"GasPipeline","idPattern":":ngsiq-gas-[1-3]$"},{"type":"WaterMain","id":"urn:ngsi-ld:WaterMain:ngsiq-water-2"}],
             "q":"pressure>0.35","geoQ":{"geometry":"Point","coordinates":[112.700,37.700],"georel":"near;maxDistance==3000"}}
            """;
        var response = await _http.PostAsync("/ngsi-ld/v1/entityOperations/query?count=true", Json(query));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("4", response.Headers.GetValues("NGSILD-Results-Count").Single());
        var ids = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(e => (string)e!["id"]!);
        Assert.Equal([Gas + 1, Gas + 2, Gas + 3, Water + 2], ids);

        var ld = $$"""{"type":"Query","entities":[{"type":"Pipe"}],"q":"LEL>40","attrs":["LEL"],"@context":"{{_contexts.UrlOf("pipes")}}"}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ngsi-ld/v1/entityOperations/query?options=keyValues") { Content = Json(ld, "application/ld+json") };
        request.Headers.TryAddWithoutValidation("Accept", "application/ld+json");
        var answer = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var entity = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!.AsArray().Single(e => ((string)e!["id"]!).Contains("ngsiq", StringComparison.Ordinal))!;
        Assert.Equal(("Pipe", 45.0, _contexts.UrlOf("pipes")), ((string?)entity["type"], (double)entity["LEL"]!, (string?)entity["@context"]));
    }

    [Theory]
    [InlineData("", "BadRequestData", "too broad")]
    [InlineData("type=GasPipeline&limit=1001", "TooManyResults", "limit")]
    [InlineData("type=GasPipeline&limit=0", "BadRequestData", "limit")]
    [InlineData("type=GasPipeline&limit=-1", "BadRequestData", "limit")]
    [InlineData("type=GasPipeline&offset=x", "BadRequestData", "offset")]
    [InlineData("type=GasPipeline&count=yes", "BadRequestData", "count")]
    [InlineData("type=GasPipeline&q=gasLel>", "BadRequestData", "q:")]
    [InlineData("type=GasPipeline&q=gasLel==%22open", "BadRequestData", "q:")]
    [InlineData("type=Gas;;Pipeline", "BadRequestData", "type:")]
    [InlineData("type=(GasPipeline", "BadRequestData", "type:")]
    [InlineData("idPattern=urn:(", "BadRequestData", "idPattern")]
    [InlineData("type=GasPipeline&idPattern=^(.%2B)%2Bz$", "BadRequestData", "50 ms")] // backtracks without end on every id
    [InlineData("type=GasPipeline&q=name~=^(.%2B)%2Bz$", "BadRequestData", "50 ms")]
    [InlineData("id=not%20a%20uri", "BadRequestData", "id:")]
    [InlineData("type=GasPipeline&attrs=a%20b", "BadRequestData", "attrs")]
    [InlineData("georel=near&geometry=Point&coordinates=[112.7,37.7]", "BadRequestData", "georel")]
    [InlineData("georel=near;maxDistance==-5&geometry=Point&coordinates=[112.7,37.7]", "BadRequestData", "georel")]
    [InlineData("georel=within;maxDistance==5&geometry=Polygon&coordinates=[[[0,0],[1,0],[1,1],[0,0]]]", "BadRequestData", "georel")]
    [InlineData("georel=touches&geometry=Point&coordinates=[112.7,37.7]", "BadRequestData", "georel")]
    [InlineData("georel=near;maxDistance==5&geometry=Point", "BadRequestData", "coordinates")]
    [InlineData("georel=near;maxDistance==5&geometry=Point&coordinates=[112.7]", "BadRequestData", "coordinates")]
    [InlineData("georel=near;maxDistance==5&geometry=Point&coordinates=[200,37.7]", "BadRequestData", "coordinates")]
    [InlineData("georel=near;maxDistance==5&geometry=Point&coordinates=112.7,37.7", "BadRequestData", "coordinates")]
    [InlineData("georel=within&geometry=Polygon&coordinates=[[[0,0],[1,0],[1,1]]]", "BadRequestData", "coordinates")]
    [InlineData("georel=within&geometry=LineString&coordinates=[[0,0],[1,1]]", "BadRequestData", "geometry")]
    [InlineData("georel=near;maxDistance==5&geometry=Polygon&coordinates=[[[0,0],[1,0],[1,1],[0,0]]]", "BadRequestData", "geometry")]
    [InlineData("geometry=Point&coordinates=[112.7,37.7]", "BadRequestData", "georel")]
    [InlineData("type=GasPipeline&orderBy=id", "BadRequestData", "orderBy")]
    [InlineData("type=GasPipeline&type=WaterMain", "BadRequestData", "type")]
    [InlineData("type=GasPipeline&options=keyValues,normalized", "BadRequestData", "options")]
    public async Task A_malformed_query_is_refused_naming_the_parameter(string query, string type, string mentions)
    {
        await AssertError(await GetAsync("/ngsi-ld/v1/entities?" + query), type == "TooManyResults" ? HttpStatusCode.Forbidden : HttpStatusCode.BadRequest, type, mentions);
    }

    [Theory]
    [InlineData("application/json", "{\"type\":\"Query\",\"q\":", HttpStatusCode.BadRequest, "InvalidRequest", "not JSON")]
    [InlineData("application/json", "[]", HttpStatusCode.BadRequest, "BadRequestData", "body")]
    [InlineData("application/json", "{\"type\":\"Subscription\",\"q\":\"a>1\"}", HttpStatusCode.BadRequest, "BadRequestData", "type")]
    [InlineData("application/json", "{\"type\":\"Query\",\"entities\":[]}", HttpStatusCode.BadRequest, "BadRequestData", "entities")]
    [InlineData("application/json", "{\"type\":\"Query\",\"entities\":[{\"type\":\"GasPipeline\",\"colour\":\"red\"}]}", HttpStatusCode.BadRequest, "BadRequestData", "entities[0].colour")]
    [InlineData("application/json", "{\"type\":\"Query\",\"entities\":[{\"type\":7}]}", HttpStatusCode.BadRequest, "BadRequestData", "entities[0].type")]
    [InlineData("application/json", "{\"type\":\"Query\",\"attrs\":\"gasLel\"}", HttpStatusCode.BadRequest, "BadRequestData", "attrs")]
    [InlineData("application/json", "{\"type\":\"Query\",\"geoQ\":{\"geometry\":\"Point\",\"coordinates\":[112.7,37.7]}}", HttpStatusCode.BadRequest, "BadRequestData", "geoQ.georel")]
    [InlineData("application/json", "{\"type\":\"Query\",\"q\":\"gasLel>1\",\"@context\":\"https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld\"}", HttpStatusCode.BadRequest, "BadRequestData", "@context")]
    [InlineData("application/json", "{\"type\":\"Query\",\"temporalQ\":{}}", (HttpStatusCode)422, "OperationNotSupported", "temporalQ")]
    [InlineData("application/ld+json", "{\"type\":\"Query\",\"q\":\"gasLel>1\"}", HttpStatusCode.BadRequest, "BadRequestData", "@context")]
    [InlineData("text/plain", "{\"type\":\"Query\",\"q\":\"gasLel>1\"}", HttpStatusCode.UnsupportedMediaType, "about:blank", "Content-Type")]
    public async Task A_malformed_Query_body_is_refused_with_the_status_and_type_the_specification_gives(string contentType, string body, HttpStatusCode status, string type, string mentions)
    {
        await AssertError(await _http.PostAsync("/ngsi-ld/v1/entityOperations/query", Json(body, contentType)), status, type, mentions);
    }

    [Fact]
    public async Task A_JSON_LD_body_with_a_context_Link_header_too_is_BadRequestData()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ngsi-ld/v1/entityOperations/query")
        {
            Content = Json($$"""{"type":"Query","q":"gasLel>1","@context":"{{ContextResolver.CoreUrl}}"}""", "application/ld+json"),
        };
        request.Headers.TryAddWithoutValidation("Link", $"<{ContextResolver.CoreUrl}>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"");
        await AssertError(await _http.SendAsync(request), HttpStatusCode.BadRequest, "BadRequestData", "Link");
    }
}
