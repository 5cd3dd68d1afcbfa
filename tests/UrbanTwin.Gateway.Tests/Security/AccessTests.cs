using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests;

/// <summary>Keys mode, tried as an attacker and a careless integrator would: no key, a wrong key, the wrong role, the wrong city.</summary>
[Collection(KeysGatewayCollection.Name)]
public class AccessTests(KeysGatewayFixture gateway)
{
    private const string TaiyuanAsset = "taiyuan-xiaodian-gas-001";
    private const string DatongAsset = "datong-pingcheng-gas-001";
    private static long _tsOffset;

    /// <summary>A timestamp newer than every one sent before by these tests (assets refuse older readings).</summary>
    private static string NextTs() =>
        DateTimeOffset.UtcNow.AddMinutes(-5).AddMilliseconds(Interlocked.Increment(ref _tsOffset) * 10).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static StringContent Reading(string asset, double lel) =>
        JsonBody($$$"""[{"assetId":"{{{asset}}}","ts":"{{{NextTs()}}}","metrics":{"gasLel":{{{lel}}}}}]""");

    private async Task<double?> LelOf(string asset) =>
        (double?)(await ReadJson(await gateway.ClientFor("admin").GetAsync($"/api/v1/assets/{asset}")))["readings"]?["gasLel"]?["value"];

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJson(response);
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.Contains(detailContains, (string?)problem["detail"] ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/v1/nodes/shanxi")]
    [InlineData("GET", "/api/v1/alarms")]
    [InlineData("POST", "/api/v1/telemetry")]
    [InlineData("PUT", "/api/v1/topology")]
    [InlineData("GET", "/api/v1/nodes/taiyuan/stream")]
    public async Task Without_a_key_every_API_call_is_401_with_a_problem_and_a_challenge(string method, string path)
    {
        using var http = gateway.CreateClient();
        var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : JsonBody("[]") });
        await AssertProblem(response, HttpStatusCode.Unauthorized, "X-Api-Key");
        Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Health_metrics_and_the_dashboard_page_need_no_key()
    {
        using var http = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        var ready = await ReadJson(await http.GetAsync("/health/ready"));
        Assert.Equal("Healthy", (string?)ready["checks"]!["auth"]!["status"]);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Refusals_are_counted_by_reason_for_the_operators()
    {
        using var anonymous = gateway.CreateClient();
        using var reader = gateway.ClientFor("reader");
        using var taiyuan = gateway.ClientFor("ty-writer");
        using var unknown = gateway.CreateClient();
        unknown.DefaultRequestHeaders.Add("X-Api-Key", "not-a-key");
        var before = await PrometheusScrape.TakeAsync(anonymous);
        await anonymous.GetAsync("/api/v1/nodes/shanxi");
        await unknown.GetAsync("/api/v1/nodes/shanxi");
        await reader.PostAsync("/api/v1/telemetry", JsonBody("[]")); // a role that may not write
        await taiyuan.GetAsync("/api/v1/nodes/datong"); // a scope that does not include it
        double Counted(PrometheusScrape s, string reason) => s.Sum("urbantwin_access_refused_total", $"reason=\"{reason}\"");
        await Eventually.Until(() => PrometheusScrape.TakeAsync(anonymous),
            s => Counted(s, "missing-key") > Counted(before, "missing-key") && Counted(s, "unknown-key") > Counted(before, "unknown-key")
                && Counted(s, "forbidden") >= Counted(before, "forbidden") + 2,
            TimeSpan.FromSeconds(30), "the refusals counted, each under its reason");
    }

    [Fact]
    public async Task The_Orleans_dashboard_is_for_admin_keys_only()
    {
        using var anonymous = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/orleans/")).StatusCode);
        using var reader = gateway.ClientFor("reader");
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/orleans/")).StatusCode);
        using var admin = gateway.ClientFor("admin");
        var page = await admin.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_or_malformed_key_is_401_and_telemetry_sent_with_it_changes_nothing()
    {
        var before = await LelOf(TaiyuanAsset);
        foreach (var header in new[] { ("X-Api-Key", "not-a-key"), ("Authorization", "ApiKey " + KeysGatewayFixture.KeyOf("admin") + "x"),
                     ("X-Api-Key", new string('k', 10_000)), ("Authorization", "Bearer " + KeysGatewayFixture.KeyOf("admin")) })
        {
            using var http = gateway.CreateClient();
            http.DefaultRequestHeaders.TryAddWithoutValidation(header.Item1, header.Item2);
            var response = await http.PostAsync("/api/v1/telemetry", Reading(TaiyuanAsset, 42));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(before, await LelOf(TaiyuanAsset));
    }

    [Fact]
    public async Task Both_header_forms_are_accepted()
    {
        using var http = gateway.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", KeysGatewayFixture.KeyOf("reader"));
        var me = await ReadJson(await http.GetAsync("/api/v1/auth/me"));
        Assert.Equal(("reader", "reader", "keys"), ((string?)me["name"], (string?)me["role"], (string?)me["mode"]));
        Assert.Equal(["read"], me["permissions"]!.AsArray().Select(p => (string?)p));
    }

    [Fact]
    public async Task A_reader_cannot_write_acknowledge_or_import_and_is_told_which_role_is_needed()
    {
        using var reader = gateway.ClientFor("reader");
        await AssertProblem(await reader.PostAsync("/api/v1/telemetry", Reading(TaiyuanAsset, 42)), HttpStatusCode.Forbidden, "writer or admin");
        await AssertProblem(await reader.PostAsync("/api/v1/assets", JsonBody("[]")), HttpStatusCode.Forbidden, "writer or admin");
        await AssertProblem(await reader.PostAsync("/api/v1/alarms/x/ack", JsonBody("""{"by":"me"}""")), HttpStatusCode.Forbidden, "operator or admin");
        await AssertProblem(await reader.PutAsync("/api/v1/topology", JsonBody("""{"nodes":[]}""")), HttpStatusCode.Forbidden, "the admin role");
        await AssertProblem(await reader.PutAsync("/api/v1/nodes/taiyuan/indicators", JsonBody("{}")), HttpStatusCode.Forbidden, "the admin role");
        await AssertProblem(await reader.GetAsync("/api/v1/auth/keys"), HttpStatusCode.Forbidden, "the admin role");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/v1/nodes/datong")).StatusCode);
    }

    [Fact]
    public async Task A_taiyuan_writer_changes_taiyuan_and_has_its_datong_items_rejected_by_reason()
    {
        using var writer = gateway.ClientFor("ty-writer");
        var datongBefore = await LelOf(DatongAsset);
        var ts = NextTs();
        var response = await writer.PostAsync("/api/v1/telemetry", JsonBody($$$"""
            [{"assetId":"{{{TaiyuanAsset}}}","ts":"{{{ts}}}","metrics":{"gasLel":7.5}},
             {"assetId":"{{{DatongAsset}}}","ts":"{{{ts}}}","metrics":{"gasLel":44}}]
            """));
        Assert.Equal((HttpStatusCode)207, response.StatusCode);
        var body = await ReadJson(response);
        Assert.Equal(1, (int)body["accepted"]!);
        var rejected = body["rejected"]!.AsArray().Single()!;
        Assert.Equal((1, DatongAsset, "out-of-scope"), ((int)rejected["index"]!, (string?)rejected["assetId"], (string?)rejected["reason"]));
        Assert.Contains("ty-writer", (string?)rejected["detail"]);

        Assert.Equal(7.5, await LelOf(TaiyuanAsset));
        Assert.Equal(datongBefore, await LelOf(DatongAsset));
        // Durable acknowledgement follows the same rule.
        var durable = await writer.PostAsync("/api/v1/telemetry?ack=durable", Reading(DatongAsset, 45));
        Assert.Equal("out-of-scope", (string?)(await ReadJson(durable))["rejected"]![0]!["reason"]);
        Assert.Equal(datongBefore, await LelOf(DatongAsset));
    }

    [Fact]
    public async Task A_taiyuan_key_reads_only_at_or_below_taiyuan()
    {
        using var http = gateway.ClientFor("ty-writer");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/nodes/taiyuan")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/nodes/taiyuan-xiaodian/children")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/v1/assets/{TaiyuanAsset}")).StatusCode);
        foreach (var path in new[] { "/api/v1/nodes/datong", "/api/v1/nodes/shanxi", "/api/v1/nodes/central", "/api/v1/nodes/datong/children",
                     $"/api/v1/assets/{DatongAsset}", $"/api/v1/assets/{DatongAsset}/history?metric=gasLel", "/api/v1/nodes/datong/history?metric=activeAlarms",
                     "/api/v1/nodes/datong/indicators", "/api/v1/alarms?node=datong", "/api/v1/assets?node=datong", "/api/v1/rankings?level=city&metric=population&node=shanxi",
                     "/api/v1/nodes/datong/stream" })
        {
            await AssertProblem(await http.GetAsync(path), HttpStatusCode.Forbidden, "scoped to taiyuan");
        }
        // An unknown node is a 404 for everyone: the scope check does not reveal more than that.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/nodes/atlantis")).StatusCode);

        // Lists default to the key's scope rather than the province.
        var districts = (await ReadJson(await http.GetAsync("/api/v1/rankings?level=district&metric=assets.total")))["items"]!.AsArray();
        Assert.NotEmpty(districts);
        Assert.All(districts, d => Assert.StartsWith("taiyuan-", (string?)d!["id"]));
        var assets = (await ReadJson(await http.GetAsync("/api/v1/assets?limit=1000")))["items"]!.AsArray();
        Assert.NotEmpty(assets);
        Assert.All(assets, a => Assert.StartsWith("taiyuan-", (string?)a!["nodeId"]));
        var topology = (await ReadJson(await http.GetAsync("/api/v1/topology")))["nodes"]!.AsArray();
        Assert.Equal(11, topology.Count); // Taiyuan and its 10 county-level divisions
    }

    [Fact]
    public async Task A_key_with_two_scopes_sees_both_and_nothing_else()
    {
        using var http = gateway.ClientFor("north-reader");
        var cities = (await ReadJson(await http.GetAsync("/api/v1/rankings?level=city&metric=population")))["items"]!.AsArray();
        Assert.Equal(["datong", "shuozhou"], cities.Select(c => (string?)c!["id"]).Order());
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/v1/nodes/taiyuan")).StatusCode);
        // NGSI-LD queries see the same: the two cities and their districts, no asset or node elsewhere.
        var areas = await ReadJson(await http.GetAsync("/ngsi-ld/v1/entities?type=AdministrativeArea&q=administrativeLevel==%22city%22"));
        Assert.Equal(["urn:ngsi-ld:AdministrativeArea:datong", "urn:ngsi-ld:AdministrativeArea:shuozhou"], areas.AsArray().Select(a => (string?)a!["id"]));
        var pipes = (await ReadJson(await http.GetAsync("/ngsi-ld/v1/entities?type=GasPipeline&limit=1000"))).AsArray();
        Assert.All(pipes, p => Assert.Matches("AdministrativeArea:(datong|shuozhou)-", (string?)p!["containedIn"]!["object"]));
        Assert.Contains(pipes, p => ((string?)p!["id"])!.EndsWith(":" + DatongAsset, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_taiyuan_writer_cannot_register_into_datong_nor_move_a_datong_asset_into_taiyuan()
    {
        using var writer = gateway.ClientFor("ty-writer");
        var response = await writer.PostAsync("/api/v1/assets", JsonBody($$$"""
            [{"id":"ty-scope-new-1","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"scoped new","location":{"lng":112.5657,"lat":37.7365}},
             {"id":"ty-scope-new-2","kind":"gas-pipeline","nodeId":"datong-pingcheng","name":"out of scope","location":{"lng":113.3,"lat":40.1}},
             {"id":"{{{DatongAsset}}}","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"stolen","location":{"lng":112.5657,"lat":37.7365}}]
            """));
        Assert.Equal((HttpStatusCode)207, response.StatusCode);
        var body = await ReadJson(response);
        Assert.Equal(1, (int)body["created"]!);
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.DeleteAsync($"/api/v1/assets/{DatongAsset}")).StatusCode);
        // Through NGSI-LD alike: an entity in Datong is not this key's to create, and a Datong asset is not there for it.
        var entity = await writer.PostAsync("/ngsi-ld/v1/entities", JsonBody("""
            {"id":"urn:ngsi-ld:GasPipeline:ty-scope-ngsi-1","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[113.3,40.1]}}}
            """));
        Assert.Equal(HttpStatusCode.Forbidden, entity.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await writer.DeleteAsync($"/ngsi-ld/v1/entities/urn:ngsi-ld:GasPipeline:{DatongAsset}")).StatusCode);
        var patched = await writer.PatchAsync($"/ngsi-ld/v1/entities/urn:ngsi-ld:GasPipeline:{DatongAsset}/attrs", JsonBody("""{"name":{"type":"Property","value":"stolen"}}"""));
        Assert.Equal(HttpStatusCode.NotFound, patched.StatusCode);
        // An entity of another type belongs to no district: a scoped key does not write one.
        var building = await writer.PostAsync("/ngsi-ld/v1/entities", JsonBody("""{"id":"urn:example:building:ty-1","type":"Building"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, building.StatusCode);
        using (var reader = gateway.ClientFor("reader"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync($"/api/v1/assets/{DatongAsset}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync($"/ngsi-ld/v1/entities/urn:ngsi-ld:GasPipeline:{DatongAsset}")).StatusCode);
            var subscription = await reader.PostAsync("/ngsi-ld/v1/subscriptions", JsonBody(
                """{"type":"Subscription","entities":[{"type":"GasPipeline"}],"notification":{"endpoint":{"uri":"https://example.org/n"}}}"""));
            Assert.Equal(HttpStatusCode.Forbidden, subscription.StatusCode); // subscriptions are the operator's and admin's, as webhooks
            Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/ngsi-ld/v1/subscriptions")).StatusCode);
        }
        var rejected = body["rejected"]!.AsArray();
        Assert.Equal([(1, "out-of-scope", "[1].nodeId"), (2, "out-of-scope", "[2].id")],
            rejected.Select(r => ((int)r!["index"]!, (string)r["reason"]!, (string)r["field"]!)));

        using var admin = gateway.ClientFor("admin");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/assets/ty-scope-new-2")).StatusCode);
        var datong = await ReadJson(await admin.GetAsync($"/api/v1/assets/{DatongAsset}"));
        Assert.Equal("datong-pingcheng", (string?)datong["nodeId"]);
        Assert.NotEqual("stolen", (string?)datong["name"]);
    }

    [Fact]
    public async Task A_taiyuan_operator_acknowledges_taiyuan_alarms_only_and_a_writer_cannot_acknowledge()
    {
        const string taiyuanGas = "taiyuan-xiaodian-gas-002", datongGas = "datong-pingcheng-gas-002";
        using var admin = gateway.ClientFor("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/v1/telemetry", Reading(taiyuanGas, 60))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/v1/telemetry", Reading(datongGas, 60))).StatusCode);
        var taiyuanAlarm = await ActiveAlarmOf(admin, "taiyuan", taiyuanGas);
        var datongAlarm = await ActiveAlarmOf(admin, "datong", datongGas);

        using var op = gateway.ClientFor("ty-operator");
        await AssertProblem(await op.PostAsync($"/api/v1/alarms/{datongAlarm}/ack", JsonBody("""{"by":"Li"}""")), HttpStatusCode.Forbidden, "scoped to taiyuan");
        Assert.Equal("active", await StateOf(admin, "datong", datongAlarm));
        using var writer = gateway.ClientFor("ty-writer");
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.PostAsync($"/api/v1/alarms/{taiyuanAlarm}/ack", JsonBody("""{"by":"Li"}"""))).StatusCode);
        var acked = await op.PostAsync($"/api/v1/alarms/{taiyuanAlarm}/ack", JsonBody("""{"by":"Li"}"""));
        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);
        // Who said they acknowledged it, and with which key: the audit trail of a safety alarm.
        var view = await ReadJson(acked);
        Assert.Equal(("Li", "ty-operator"), ((string?)view["acknowledgedBy"], (string?)view["acknowledgedKey"]));
        Assert.Equal("acknowledged", await StateOf(admin, "taiyuan", taiyuanAlarm));
    }

    private static async Task<string> ActiveAlarmOf(HttpClient http, string node, string asset)
    {
        var items = await Eventually.Until(async () => (await ReadJson(await http.GetAsync($"/api/v1/alarms?node={node}&state=active&limit=1000")))["items"]!.AsArray(),
            list => list.Any(a => (string?)a!["assetId"] == asset), TimeSpan.FromSeconds(30), $"an active alarm on {asset}");
        return (string)items.First(a => (string?)a!["assetId"] == asset)!["id"]!;
    }

    private static async Task<string?> StateOf(HttpClient http, string node, string alarmId) =>
        (string?)(await ReadJson(await http.GetAsync($"/api/v1/alarms?node={node}&limit=1000")))["items"]!.AsArray().First(a => (string?)a!["id"] == alarmId)!["state"];

    [Fact]
    public async Task Topology_changes_need_an_unscoped_admin()
    {
        const string document = """{"nodes":[{"id":"taiyuan-test-park","kind":"district","parentId":"taiyuan","name":"Test Park"}]}""";
        using var scopedAdmin = gateway.ClientFor("ty-admin");
        await AssertProblem(await scopedAdmin.PutAsync("/api/v1/topology", JsonBody(document)), HttpStatusCode.Forbidden, "unscoped admin");
        Assert.Equal(HttpStatusCode.OK, (await scopedAdmin.GetAsync("/api/v1/nodes/taiyuan/indicators")).StatusCode);
        await AssertProblem(await scopedAdmin.GetAsync("/api/v1/auth/keys"), HttpStatusCode.Forbidden, "the key list");
    }

    [Fact]
    public async Task The_key_list_shows_names_roles_and_scopes_never_keys_or_hashes()
    {
        using var admin = gateway.ClientFor("admin");
        var response = await admin.GetAsync("/api/v1/auth/keys");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = JsonNode.Parse(text)!.AsArray();
        Assert.Equal(KeysGatewayFixture.Keys.Select(k => k.Name).Order(StringComparer.Ordinal), keys.Select(k => (string?)k!["name"]));
        foreach (var key in KeysGatewayFixture.Keys)
        {
            Assert.DoesNotContain(key.Key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(UrbanTwin.Gateway.Security.ApiKeyRing.HashOf(key.Key), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_dashboard_signs_in_with_an_http_only_strict_cookie_and_signs_out()
    {
        using var http = gateway.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/session");
        signIn.Headers.Add("X-Api-Key", KeysGatewayFixture.KeyOf("ty-operator"));
        var response = await http.SendAsync(signIn);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var withCookie = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal("ty-operator", (string?)(await ReadJson(await http.SendAsync(withCookie)))["name"]);

        var badCookie = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        badCookie.Headers.Add("Cookie", "urbantwin_key=forged");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(badCookie)).StatusCode);

        var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/auth/session");
        signOut.Headers.Add("Cookie", cookie.Split(';')[0]);
        var cleared = await http.SendAsync(signOut);
        Assert.Contains("urbantwin_key=;", cleared.Headers.GetValues("Set-Cookie").Single(), StringComparison.Ordinal);
    }
}
