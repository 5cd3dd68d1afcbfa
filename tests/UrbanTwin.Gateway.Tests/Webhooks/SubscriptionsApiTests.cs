using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests.Webhooks;

/// <summary>
/// The subscriptions API on a gateway with the default target rules (no loopback or private targets): what it takes,
/// what it refuses (naming the field, changing nothing) and the life of a subscription. Its targets are documentation
/// addresses (TEST-NET-3), so nothing is delivered anywhere.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SubscriptionsApiTests(GatewayFixture gateway)
{
    private const string Subscriptions = "/api/v1/subscriptions";
    private const string PublicUrl = "https://203.0.113.10/hooks/urbantwin";
    private readonly HttpClient _http = gateway.CreateClient();

    private Task<HttpResponseMessage> Post(string json) => _http.PostAsync(Subscriptions, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<string[]> ListIds() =>
        [.. (await ReadJson(await _http.GetAsync(Subscriptions)))["items"]!.AsArray().Select(i => (string)i!["id"]!)];

    public static TheoryData<string, string> Refused => new()
    {
        { """{"events":["alarm.raised"]}""", "url" },
        { """{"url":"/relative","events":["alarm.raised"]}""", "url" },
        { """{"url":"ftp://203.0.113.10/x","events":["alarm.raised"]}""", "url" },
        { """{"url":"https://user:pw@203.0.113.10/x","events":["alarm.raised"]}""", "url" },
        { """{"url":"http://127.0.0.1:8080/hook","events":["alarm.raised"]}""", "url" },
        { """{"url":"http://localhost/hook","events":["alarm.raised"]}""", "url" },
        { """{"url":"http://10.0.0.5/hook","events":["alarm.raised"]}""", "url" },
        { """{"url":"http://192.168.1.20/hook","events":["alarm.raised"]}""", "url" },
        { """{"url":"http://169.254.169.254/latest/meta-data","events":["alarm.raised"]}""", "url" },
        { """{"url":"http://[::1]/hook","events":["alarm.raised"]}""", "url" },
        { """{"url":"http://[::ffff:127.0.0.1]/hook","events":["alarm.raised"]}""", "url" },
        { """{"url":"https://203.0.113.10/x"}""", "events" },
        { """{"url":"https://203.0.113.10/x","events":[]}""", "events" },
        { """{"url":"https://203.0.113.10/x","events":["alarm.raised","alarm.exploded"]}""", "events[1]" },
        { """{"url":"https://203.0.113.10/x","events":["nodes.*"]}""", "events[0]" },
        { """{"url":"https://203.0.113.10/x","events":["alarm.raised"],"node":"atlantis"}""", "node" },
        { """{"url":"https://203.0.113.10/x","events":["alarm.raised"],"kinds":["gas-pipeline","volcano"]}""", "kinds[1]" },
        { """{"url":"https://203.0.113.10/x","events":["alarm.raised"],"minLevel":"critical"}""", "minLevel" },
        { """{"url":"https://203.0.113.10/x","events":["alarm.raised"],"description":"x\u0000y"}""", "description" },
        { """{"url":"https://203.0.113.10/x","events":"alarm.raised"}""", "$.events" },
        { """{"url":"https://203.0.113.10/x","events":["alarm.raised"],"minLevel":2}""", "$.minLevel" },
        { """{"url":"https://203.0.113.10/x","events":["alarm.raised"],"secret":"mine"}""", "$.secret" },
        { """{"url":"https://203.0.113.10/x","events":["alarm.raised"]""", "body" },
    };

    [Theory, MemberData(nameof(Refused))]
    public async Task A_bad_subscription_is_a_400_naming_its_field_and_creates_nothing(string body, string field)
    {
        var before = await ListIds();
        var response = await Post(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadJson(response);
        Assert.True(problem["errors"]?[field] is not null, $"no error for {field}: {problem.ToJsonString()}");
        Assert.Equal(before, await ListIds());
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_and_unknown_ids_are_404s()
    {
        var huge = $$"""{"url":"{{PublicUrl}}","events":["alarm.raised"],"description":"{{new string('x', 20_000)}}"}""";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Post(huge)).StatusCode);
        foreach (var id in new[] { "sub_00000000000000000000", "nope", "..%2F..", "sub_ZZ" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Subscriptions}/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync($"{Subscriptions}/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsync($"{Subscriptions}/{id}/dead-letters/replay", null)).StatusCode);
        }
    }

    [Fact]
    public async Task A_subscription_is_created_with_a_secret_shown_once_read_changed_paused_and_deleted()
    {
        var created = await Post($$"""{"url":"{{PublicUrl}}","events":["alarm.*","asset.status"],"node":"taiyuan","kinds":["gas-pipeline"],"minLevel":"warning","description":"dispatch desk"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await ReadJson(created);
        var secret = (string)body["secret"]!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret[6..]).Length);
        var id = (string)body["subscription"]!["id"]!;
        Assert.Equal($"/api/v1/subscriptions/{id}", created.Headers.Location?.OriginalString);
        try
        {
            var read = await ReadJson(await _http.GetAsync($"{Subscriptions}/{id}"));
            Assert.Null(read["secret"]);
            Assert.Equal((PublicUrl, "taiyuan", "warning", "active", "dispatch desk"),
                ((string)read["url"]!, (string)read["node"]!, (string)read["minLevel"]!, (string)read["state"]!, (string)read["description"]!));
            Assert.Equal(["alarm.*", "asset.status"], read["events"]!.AsArray().Select(e => (string)e!));
            Assert.Equal(0, (long)read["delivery"]!["delivered"]!);
            Assert.Contains(id, await ListIds());

            var changed = await _http.PatchAsync($"{Subscriptions}/{id}", new StringContent("""{"events":["alarm.raised"],"minLevel":"alarm","state":"paused"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            var after = await ReadJson(changed);
            Assert.Equal(("alarm", "paused", "taiyuan"), ((string)after["minLevel"]!, (string)after["state"]!, (string)after["node"]!));
            Assert.Equal(["alarm.raised"], after["events"]!.AsArray().Select(e => (string)e!));

            var badState = await _http.PatchAsync($"{Subscriptions}/{id}", new StringContent("""{"state":"disabled"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
            Assert.NotNull((await ReadJson(badState))["errors"]!["state"]);
            var badUrl = await _http.PatchAsync($"{Subscriptions}/{id}", new StringContent("""{"url":"http://127.0.0.1/x"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, badUrl.StatusCode);
            Assert.Equal((PublicUrl, "paused"), ((string)(await ReadJson(await _http.GetAsync($"{Subscriptions}/{id}")))["url"]!, "paused"));

            Assert.Empty((await ReadJson(await _http.GetAsync($"{Subscriptions}/{id}/dead-letters")))["items"]!.AsArray());
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"{Subscriptions}/{id}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Subscriptions}/{id}")).StatusCode);
        Assert.DoesNotContain(id, await ListIds());
    }
}
