using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Gateway.Tests.NgsiLd;

namespace UrbanTwin.Gateway.Tests.Webhooks;

/// <summary>
/// NGSI-LD subscriptions (ETSI GS CIM 009 V1.8.1 clauses 5.2.12, 5.3.1, 6.10, 6.11) as a FIWARE integrator uses them:
/// subscribed with a context of its own, notified by a real HTTP receiver when a watched attribute of a watched entity
/// changes and the q holds, in the format and with the context asked; read back with its status; paused, changed,
/// deleted. Delivered by the webhook engine: this collection's gateway allows loopback receivers and polls fast.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class NgsiLdSubscriptionTests(WebhookGatewayFixture gateway) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = gateway.CreateDefaultClient();
    private readonly WebhookReceiver _receiver = gateway.Receiver;
    private readonly UrbanTwin.Gateway.Tests.NgsiLd.ContextServer _contexts = new();
    private static readonly string[] Lvliang = WebhookTestClient.GasAssets("lvliang");
    private static DateTimeOffset _clock = DateTimeOffset.UtcNow.AddMinutes(-30);

    public async Task InitializeAsync()
    {
        _contexts.Serve("pipes", """{"@context": {"Pipe": "https://uri.etsi.org/ngsi-ld/default-context/GasPipeline", "LEL": "https://uri.etsi.org/ngsi-ld/default-context/gasLel"}}""");
        await _contexts.StartAsync();
    }

    public async Task DisposeAsync() => await _contexts.DisposeAsync();

    private string Link => NgsiLdHttp.ContextLink(_contexts.UrlOf("pipes"));

    /// <summary>A durable reading of gasLel, each one later than the last (the assets refuse older ones).</summary>
    private async Task PostAsync(string asset, double lel)
    {
        var ts = (_clock = _clock.AddSeconds(1)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var response = await _http.PostAsync("/api/v1/telemetry?ack=durable",
            new StringContent($$$"""[{"assetId":"{{{asset}}}","ts":"{{{ts}}}","metrics":{"gasLel":{{{lel}}}}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> SubscribeAsync(string body, string? link = null)
    {
        var response = await _http.SendAsync(HttpMethod.Post, "/ngsi-ld/v1/subscriptions", body, link: link);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Uri.UnescapeDataString(response.Headers.Location!.OriginalString["/ngsi-ld/v1/subscriptions/".Length..]);
    }

    /// <summary>The notifications a path received, in order.</summary>
    private List<ReceivedWebhook> Notifications(string path) => [.. _receiver.At(path)];

    private Task<List<ReceivedWebhook>> NotifiedAsync(string path, Func<List<ReceivedWebhook>, bool> done, string what) =>
        Eventually.Until(() => Task.FromResult(Notifications(path)), done, Deadline, what);

    private static JsonNode Entity(ReceivedWebhook notification) => notification.Json["data"]![0]!;

    [Fact]
    public async Task A_change_of_a_watched_attribute_that_makes_q_hold_is_notified_compacted_with_the_subscribers_context()
    {
        var asset = Lvliang[0];
        var id = await SubscribeAsync($$$"""
            {"type":"Subscription","entities":[{"type":"Pipe","id":"urn:ngsi-ld:GasPipeline:{{{asset}}}"}],"watchedAttributes":["LEL"],"q":"LEL>20",
             "notification":{"attributes":["LEL","status"],"endpoint":{"uri":"{{{_receiver.UrlOf("ngsi-q")}}}"}},"description":"gas above 20 % LEL"}
            """, Link);
        Assert.StartsWith("urn:ngsi-ld:Subscription:", id, StringComparison.Ordinal);

        await PostAsync(asset, 10); // q does not hold: not notified
        await PostAsync(asset, 30);
        var received = await NotifiedAsync("ngsi-q", n => n.Count >= 1, "the notification of 30 % LEL");
        var notification = received.Single().Json;
        Assert.Equal(("Notification", id), ((string?)notification["type"], (string?)notification["subscriptionId"]));
        Assert.StartsWith("urn:ngsi-ld:Notification:", (string)notification["id"]!, StringComparison.Ordinal);
        var entity = Entity(received[0]);
        Assert.Equal(("urn:ngsi-ld:GasPipeline:" + asset, "Pipe"), ((string?)entity["id"], (string?)entity["type"]));
        Assert.Equal(("Property", 30.0, "P1"), ((string?)entity["LEL"]!["type"], (double)entity["LEL"]!["value"]!, (string?)entity["LEL"]!["unitCode"]));
        Assert.Equal(_clock.ToUnixTimeMilliseconds(), DateTimeOffset.Parse((string)entity["LEL"]!["observedAt"]!).ToUnixTimeMilliseconds());
        Assert.Equal("warning", (string?)entity["status"]!["value"]);
        Assert.Null(entity["pressure"]); // only the attributes asked for
        Assert.Null(entity["@context"]);
        Assert.StartsWith("application/json", received[0].ContentType, StringComparison.Ordinal);
        Assert.Contains(_contexts.UrlOf("pipes"), received[0].Link, StringComparison.Ordinal);

        // The subscription read back: as written, with its status and the notification's.
        // (The receiver has it before the subscription has counted its answer: read until it has.)
        var view = await Eventually.Until(async () => JsonNode.Parse(await (await _http.SendAsync(HttpMethod.Get, "/ngsi-ld/v1/subscriptions/" + id, link: Link))
            .Content.ReadAsStringAsync())!, v => (int)v["notification"]!["timesSent"]! == 1, Deadline, "the notification counted");
        Assert.Equal((id, "Subscription", "active", true), ((string?)view["id"], (string?)view["type"], (string?)view["status"], (bool)view["isActive"]!));
        Assert.Equal("LEL>20", (string?)view["q"]);
        Assert.Equal("ok", (string?)view["notification"]!["status"]);
        Assert.NotNull(view["notification"]!["lastSuccess"]);
        var list = await _http.SendAsync(HttpMethod.Get, "/ngsi-ld/v1/subscriptions?count=true&limit=1000");
        Assert.Contains(JsonNode.Parse(await list.Content.ReadAsStringAsync())!.AsArray(), s => (string?)s!["id"] == id);
        Assert.True(int.Parse(list.Headers.GetValues("NGSILD-Results-Count").Single()) >= 1);

        Assert.Equal(HttpStatusCode.NoContent, (await _http.SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/subscriptions/" + id)).StatusCode);
        await NgsiLdHttp.AssertError(await _http.SendAsync(HttpMethod.Get, "/ngsi-ld/v1/subscriptions/" + id), HttpStatusCode.NotFound, "ResourceNotFound");
    }

    [Fact]
    public async Task Simplified_JSON_LD_notifications_carry_the_context_and_a_paused_subscription_is_not_notified_of_what_changed_meanwhile()
    {
        var asset = Lvliang[1];
        var id = await SubscribeAsync($$$"""
            {"type":"Subscription","entities":[{"type":"GasPipeline","idPattern":":{{{asset}}}$"}],
             "notification":{"format":"keyValues","endpoint":{"uri":"{{{_receiver.UrlOf("ngsi-kv")}}}","accept":"application/ld+json"} }}
            """);
        await PostAsync(asset, 3);
        var first = (await NotifiedAsync("ngsi-kv", n => n.Count >= 1, "the first notification")).Single();
        Assert.StartsWith("application/ld+json", first.ContentType, StringComparison.Ordinal);
        var entity = Entity(first);
        Assert.Equal((3.0, "normal", "urn:ngsi-ld:AdministrativeArea:" + WebhookTestClient.DistrictOf(asset)),
            ((double)entity["gasLel"]!, (string?)entity["status"], (string?)entity["containedIn"]));
        Assert.Equal("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld", (string?)entity["@context"]);

        Assert.Equal(HttpStatusCode.NoContent, (await _http.SendAsync(HttpMethod.Patch, "/ngsi-ld/v1/subscriptions/" + id, """{"isActive":false}""")).StatusCode);
        await PostAsync(asset, 4); // while paused: never notified, also not once resumed
        Assert.Equal(HttpStatusCode.NoContent, (await _http.SendAsync(HttpMethod.Patch, "/ngsi-ld/v1/subscriptions/" + id, """{"isActive":true}""")).StatusCode);
        await PostAsync(asset, 5);
        var all = await NotifiedAsync("ngsi-kv", n => n.Any(r => (double)Entity(r)["gasLel"]! == 5), "the notification after resuming");
        Assert.Equal([3.0, 5.0], all.Select(r => (double)Entity(r)["gasLel"]!));
        var view = await Eventually.Until(async () => JsonNode.Parse(await (await _http.SendAsync(HttpMethod.Get, "/ngsi-ld/v1/subscriptions/" + id))
            .Content.ReadAsStringAsync())!, v => (int)v["notification"]!["timesSent"]! == 2, Deadline, "both notifications counted");
        Assert.Equal("active", (string?)view["status"]);
        await _http.SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/subscriptions/" + id);
    }

    [Fact]
    public async Task A_subscription_that_expires_says_so_and_a_changed_q_takes_effect()
    {
        var asset = Lvliang[2];
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var id = await SubscribeAsync($$$"""
            {"type":"Subscription","entities":[{"type":"GasPipeline","id":"urn:ngsi-ld:GasPipeline:{{{asset}}}"}],"q":"gasLel>50","expiresAt":"{{{expiresAt}}}",
             "notification":{"endpoint":{"uri":"{{{_receiver.UrlOf("ngsi-exp")}}}"} }}
            """);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.SendAsync(HttpMethod.Patch, "/ngsi-ld/v1/subscriptions/" + id, """{"q":"gasLel>5"}""")).StatusCode);
        await PostAsync(asset, 6);
        await NotifiedAsync("ngsi-exp", n => n.Count >= 1, "the notification under the changed q");
        await Eventually.Until(async () => (string?)JsonNode.Parse(await (await _http.SendAsync(HttpMethod.Get, "/ngsi-ld/v1/subscriptions/" + id)).Content.ReadAsStringAsync())!["status"],
            status => status == "expired", Deadline, "the subscription expired");
        await _http.SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/subscriptions/" + id);
    }

    [Fact]
    public async Task Throttling_drops_the_changes_within_the_period_after_a_notification()
    {
        var asset = Lvliang[3];
        var id = await SubscribeAsync($$$"""
            {"type":"Subscription","entities":[{"type":"GasPipeline","id":"urn:ngsi-ld:GasPipeline:{{{asset}}}"}],"throttling":2,
             "notification":{"format":"keyValues","endpoint":{"uri":"{{{_receiver.UrlOf("ngsi-throttle")}}}"} }}
            """);
        await PostAsync(asset, 10);
        await NotifiedAsync("ngsi-throttle", n => n.Count >= 1, "the first notification");
        await PostAsync(asset, 11); // within the 2 s after it: dropped
        // Changes go on until one is notified again, which can only be once the period is over.
        var round = 0;
        var all = await Eventually.Until(async () =>
        {
            await PostAsync(asset, 12 + round++ % 80); // gasLel stays within its 0–100 range
            return Notifications("ngsi-throttle");
        }, n => n.Count >= 2, Deadline, "a notification after the throttling period");
        var (first, second) = (all[0].Json, all[1].Json);
        Assert.Equal(10.0, (double)first["data"]![0]!["gasLel"]!);
        Assert.NotEqual(11.0, (double)second["data"]![0]!["gasLel"]!);
        Assert.True(DateTimeOffset.Parse((string)second["notifiedAt"]!) - DateTimeOffset.Parse((string)first["notifiedAt"]!) >= TimeSpan.FromSeconds(2),
            $"{first["notifiedAt"]} then {second["notifiedAt"]}");
        await _http.SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/subscriptions/" + id);
    }

    [Theory]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}]}""", 400, "BadRequestData", "notification")]
    [InlineData("""{"type":"Notification","entities":[{"type":"GasPipeline"}],"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "type")]
    [InlineData("""{"type":"Subscription","notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "entities")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"Building"}],"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 422, "OperationNotSupported", "Building")]
    [InlineData("""{"type":"Subscription","entities":[{"id":"urn:x:1"}],"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "entities[0]")]
    [InlineData("""{"type":"Subscription","watchedAttributes":["colour"],"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "watchedAttributes")]
    [InlineData("""{"type":"Subscription","watchedAttributes":[],"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "watchedAttributes")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"q":"gasLel.observedAt>2020-01-01T00:00:00Z","notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "q")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"q":"gasLel>","notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "q")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"notification":{"endpoint":{"uri":"ftp://example.org/x"}}}""", 400, "BadRequestData", "notification.endpoint.uri")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x","accept":"text/plain"}}}""", 400, "BadRequestData", "accept")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"notification":{"format":"concise","endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 422, "OperationNotSupported", "concise")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"throttling":-1,"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "throttling")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"expiresAt":"2020-01-01T00:00:00Z","notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "expiresAt")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"isActive":"yes","notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "isActive")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"timeInterval":5,"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 422, "OperationNotSupported", "timeInterval")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"colour":"red","notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "colour")]
    [InlineData("""{"id":"not a uri","type":"Subscription","entities":[{"type":"GasPipeline"}],"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "id")]
    [InlineData("""{"type":"Subscription","entities":[{"type":"GasPipeline"}],"geoQ":{"georel":"near","geometry":"Point","coordinates":[112.7,37.7]},"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""", 400, "BadRequestData", "georel")]
    public async Task A_malformed_subscription_is_refused_and_none_is_made(string body, int status, string type, string mentions)
    {
        var before = (await ListAsync()).Count;
        await NgsiLdHttp.AssertError(await _http.SendAsync(HttpMethod.Post, "/ngsi-ld/v1/subscriptions", body), (HttpStatusCode)status, type, mentions);
        Assert.Equal(before, (await ListAsync()).Count);
    }

    [Fact]
    public async Task An_id_given_twice_is_AlreadyExists_and_unknown_ids_are_ResourceNotFound()
    {
        const string body = """{"id":"urn:ngsi-ld:Subscription:twice","type":"Subscription","entities":[{"type":"WaterMain"}],"notification":{"endpoint":{"uri":"http://127.0.0.1:1/x"}}}""";
        Assert.Equal("urn:ngsi-ld:Subscription:twice", await SubscribeAsync(body));
        await NgsiLdHttp.AssertError(await _http.SendAsync(HttpMethod.Post, "/ngsi-ld/v1/subscriptions", body), HttpStatusCode.Conflict, "AlreadyExists");
        await NgsiLdHttp.AssertError(await _http.SendAsync(HttpMethod.Patch, "/ngsi-ld/v1/subscriptions/urn:ngsi-ld:Subscription:none", """{"q":"pressure>1"}"""),
            HttpStatusCode.NotFound, "ResourceNotFound");
        await NgsiLdHttp.AssertError(await _http.SendAsync(HttpMethod.Patch, "/ngsi-ld/v1/subscriptions/urn:ngsi-ld:Subscription:twice", """{"id":"urn:x"}"""),
            HttpStatusCode.BadRequest, "BadRequestData", "id");
        await NgsiLdHttp.AssertError(await _http.SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/subscriptions/urn:ngsi-ld:Subscription:none"), HttpStatusCode.NotFound, "ResourceNotFound");
        Assert.Equal(HttpStatusCode.NoContent, (await _http.SendAsync(HttpMethod.Delete, "/ngsi-ld/v1/subscriptions/urn:ngsi-ld:Subscription:twice")).StatusCode);
    }

    private async Task<JsonArray> ListAsync() =>
        JsonNode.Parse(await (await _http.SendAsync(HttpMethod.Get, "/ngsi-ld/v1/subscriptions?limit=1000")).Content.ReadAsStringAsync())!.AsArray();
}
