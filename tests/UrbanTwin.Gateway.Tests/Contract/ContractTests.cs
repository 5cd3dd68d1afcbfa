using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests.Contract;

/// <summary>
/// The OpenAPI document as a contract: complete (every operation summarised, every error status listed), committed
/// (docs/openapi.json is what the gateway serves), and honoured (no number a client cannot hold, no query parameter
/// ignored silently, ETags and conditional requests). Every client of the gateway tests also checks each exchange
/// against the document (<see cref="ContractCheckingHandler"/>).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ContractTests(GatewayFixture gateway)
{
    private readonly HttpClient _http = gateway.CreateClient();

    [Fact]
    public void Every_operation_has_a_summary_and_lists_the_errors_it_can_answer()
    {
        foreach (var (path, item) in gateway.Contract.Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var where = $"{method.ToUpperInvariant()} {path}";
                Assert.False(string.IsNullOrWhiteSpace((string?)operation!["summary"]), $"{where} has no summary");
                foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
                {
                    Assert.False(string.IsNullOrWhiteSpace((string?)parameter!["description"]), $"{where}: parameter '{parameter["name"]}' is not described");
                }
                var statuses = operation["responses"]!.AsObject().Select(r => r.Key).ToHashSet();
                Assert.True(statuses.IsSupersetOf(["401", "403", "429", "503"]), $"{where} documents {string.Join(", ", statuses)}");
                if (operation["requestBody"] is not null)
                {
                    Assert.True(statuses.IsSupersetOf(["400", "413"]), $"{where} takes a body but documents {string.Join(", ", statuses)}");
                }
                if (path.Contains('{'))
                {
                    Assert.Contains("404", statuses);
                }
            }
        }
    }

    [Fact]
    public void Every_example_in_the_document_validates_against_its_own_schema()
    {
        var schemas = gateway.Contract.Document["components"]!["schemas"]!.AsObject();
        var withExamples = schemas.Where(s => s.Value!["examples"] is not null).Select(s => s.Key).ToList();
        Assert.Superset(Http.ApiExamples.SchemaNames.ToHashSet(), withExamples.ToHashSet());
        foreach (var name in withExamples)
        {
            Assert.Empty(gateway.Contract.ValidateExample(name));
        }
    }

    [Fact]
    public async Task The_committed_document_is_the_one_the_gateway_serves()
    {
        var served = JsonNode.Parse(await _http.GetStringAsync("/openapi/v1.json"))!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = Path.Combine(RepositoryRoot(), "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("URBANTWIN_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }
        Assert.True(File.Exists(path) && await File.ReadAllTextAsync(path) == served,
            "docs/openapi.json differs from the document the gateway serves. If the API change is meant, update it with " +
            "URBANTWIN_UPDATE_OPENAPI=1 dotnet test tests/UrbanTwin.Gateway.Tests --filter The_committed_document_is_the_one_the_gateway_serves, and commit it.");
    }

    [Theory]
    [InlineData("/api/v1/assets?node=taiyuan&stauts=alarm", "stauts")]
    [InlineData("/api/v1/assets?nearby=112.53,37.74", "nearby")]
    [InlineData("/api/v1/nodes/taiyuan?inclde=boundary", "inclde")]
    [InlineData("/api/v1/alarms?node=taiyuan&sate=active", "sate")]
    public async Task An_unknown_query_parameter_is_refused_naming_it_instead_of_ignored(string url, string parameter)
    {
        var response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadJson(response);
        Assert.NotNull(problem["errors"]![parameter]);
    }

    [Fact]
    public async Task A_seq_beyond_2_to_the_53_minus_1_is_refused_and_the_largest_safe_one_is_accepted()
    {
        var ts = DateTimeOffset.UtcNow.AddSeconds(-30);
        var over = await Post("/api/v1/telemetry", Batch("jinzhong-yuci-gas-002", ts, "\"gasLel\":1", seq: 9007199254740992));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, over.StatusCode);
        Assert.Equal("invalid-seq", (string?)(await ReadJson(over))["rejected"]![0]!["reason"]);
        var largest = await Post("/api/v1/telemetry", Batch("jinzhong-yuci-gas-002", ts, "\"gasLel\":1", seq: 9007199254740991));
        Assert.Equal(HttpStatusCode.OK, largest.StatusCode);
        Assert.Equal(9007199254740991, (long)(await ReadJson(await _http.GetAsync("/api/v1/assets/jinzhong-yuci-gas-002")))["lastSeq"]!);
    }

    [Fact]
    public async Task An_asset_has_an_etag_a_matching_if_none_match_is_304_and_a_new_reading_changes_it()
    {
        const string asset = "jinzhong-yuci-water-001";
        var first = await _http.GetAsync($"/api/v1/assets/{asset}");
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.Equal($"\"{(string)(await ReadJson(first))["version"]!}\"", etag.Tag);

        var unchanged = await Get($"/api/v1/assets/{asset}", etag.Tag);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());

        var posted = await Post("/api/v1/telemetry", Batch(asset, DateTimeOffset.UtcNow.AddSeconds(-1), "\"pressure\":0.31"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var changed = await Get($"/api/v1/assets/{asset}", etag.Tag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag.Tag, changed.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task An_acknowledgement_with_an_if_match_of_an_alarm_that_changed_since_is_412_and_changes_nothing()
    {
        const string asset = "jinzhong-yuci-gas-001";
        Assert.Equal(HttpStatusCode.OK, (await Reading(asset, 30)).StatusCode);
        var listed = await Eventually.Until(async () => (await ReadJson(await _http.GetAsync("/api/v1/alarms?node=jinzhong-yuci&state=active")))["items"]!.AsArray()
            .FirstOrDefault(a => (string?)a!["assetId"] == asset), a => a is not null, TimeSpan.FromSeconds(30), "the warning listed");
        var id = (string)listed!["id"]!;
        var seen = (string)listed["etag"]!;
        var one = await _http.GetAsync($"/api/v1/alarms/{Uri.EscapeDataString(id)}");
        Assert.Equal(seen, one.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await Get($"/api/v1/alarms/{Uri.EscapeDataString(id)}", seen)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Reading(asset, 70)).StatusCode); // escalates: the operator has not seen this
        var refused = await Ack(id, seen);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        var current = refused.Headers.ETag!.Tag;
        Assert.NotEqual(seen, current);
        Assert.Equal("active", (string?)(await ReadJson(await _http.GetAsync($"/api/v1/alarms/{Uri.EscapeDataString(id)}")))["state"]);

        var accepted = await Ack(id, current);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("acknowledged", (string?)(await ReadJson(accepted))["state"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await Ack(id, "not-a-tag")).StatusCode);
    }

    [Fact]
    public async Task A_topology_import_with_a_stale_if_match_is_412_and_the_current_one_goes_through()
    {
        var read = await _http.GetAsync("/api/v1/topology");
        var etag = read.Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.NotModified, (await Get("/api/v1/topology", etag)).StatusCode);
        const string body = """
            {"nodes":[{"id":"xinzhou-wutai","kind":"district","parentId":"xinzhou","code":"140922","name":"Wutai County","nameZh":"五台县",
              "location":{"lng":113.255309,"lat":38.728315},"attributes":{"pinyin":"Wutai","divisionType":"county"}}]}
            """;

        var stale = await Put("/api/v1/topology", body, "\"999999\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(etag, stale.Headers.ETag!.Tag);
        var notAVersion = await Put("/api/v1/topology", body, "\"not-a-version\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, notAVersion.StatusCode);
        Assert.Equal(etag, notAVersion.Headers.ETag!.Tag);
        var current = await Put("/api/v1/topology", body, etag);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task An_indicator_import_with_a_stale_if_match_is_412()
    {
        var read = await _http.GetAsync("/api/v1/nodes/xinzhou-wutai/indicators");
        Assert.NotNull(read.Headers.ETag);
        var stale = await Put("/api/v1/nodes/xinzhou-wutai/indicators",
            """{"indicators":[{"name":"hotline.tickets","period":"2026-09","value":10}]}""", "\"999999\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    private Task<HttpResponseMessage> Reading(string asset, double lel) =>
        Post("/api/v1/telemetry", Batch(asset, DateTimeOffset.UtcNow.AddMilliseconds(-1), "\"gasLel\":" + lel.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A one-item batch: <paramref name="metrics"/> is the inside of the metrics object.</summary>
    private static string Batch(string asset, DateTimeOffset ts, string metrics, long? seq = null) =>
        "[{\"assetId\":\"" + asset + "\",\"ts\":\"" + ts.ToString("O") + "\"" + (seq is { } n ? ",\"seq\":" + n : "") + ",\"metrics\":{" + metrics + "}}]";

    private Task<HttpResponseMessage> Ack(string id, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/alarms/{Uri.EscapeDataString(id)}/ack")
        {
            Content = new StringContent("""{"by":"duty officer"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _http.SendAsync(request);
    }

    private Task<HttpResponseMessage> Get(string url, string ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ifNoneMatch));
        return _http.SendAsync(request);
    }

    private Task<HttpResponseMessage> Put(string url, string body, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _http.SendAsync(request);
    }

    private Task<HttpResponseMessage> Post(string url, string body) => _http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UrbanTwin.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"UrbanTwin.sln not found above {AppContext.BaseDirectory}.");
    }
}
