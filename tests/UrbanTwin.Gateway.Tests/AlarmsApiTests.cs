using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class AlarmsApiTests(GatewayFixture gateway)
{
    private const string Asset = "changzhi-luzhou-gas-001";
    private static readonly object Gate = new();
    private static DateTimeOffset _lastTs = DateTimeOffset.UtcNow.AddMinutes(-10);
    private readonly HttpClient _http = gateway.CreateClient();

    /// <summary>Every reading of the shared asset is newer than the one before, whatever order the tests run in.</summary>
    private static string NextTs()
    {
        lock (Gate)
        {
            _lastTs = _lastTs.AddMilliseconds(100);
            return _lastTs.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        }
    }

    private async Task Send(double lel)
    {
        var ts = NextTs();
        var response = await _http.PostAsync("/api/v1/telemetry",
            new StringContent($$$"""[{"assetId":"{{{Asset}}}","ts":"{{{ts}}}","metrics":{"gasLel":{{{lel}}}}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<JsonArray> List(string query) =>
        (await ReadJson(await _http.GetAsync("/api/v1/alarms?" + query)))["items"]!.AsArray();

    private Task<HttpResponseMessage> Ack(string id, string body) =>
        _http.PostAsync($"/api/v1/alarms/{Uri.EscapeDataString(id)}/ack", new StringContent(body, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Thirty_then_sixty_percent_LEL_is_one_alarm_that_escalates_is_listed_acknowledged_and_cleared()
    {
        await Send(30);
        await Send(60);
        var mine = await Eventually.Until(() => List("node=changzhi&state=active"), items => items.Count(i => (string?)i!["assetId"] == Asset) == 1, TimeSpan.FromSeconds(30), "the alarm list");
        var alarm = mine.Single(i => (string?)i!["assetId"] == Asset)!;
        var id = (string)alarm["id"]!;
        Assert.Equal(("alarm", "active", 60.0), ((string?)alarm["level"], (string?)alarm["state"], (double)alarm["value"]!));
        Assert.Equal(["changzhi-luzhou", "changzhi", "jindongnan", "shanxi"], alarm["path"]!.AsArray().Select(p => (string?)p));
        Assert.DoesNotContain(await List("node=taiyuan"), i => (string?)i!["id"] == id);
        Assert.Contains(await List("node=shanxi&level=alarm"), i => (string?)i!["id"] == id);
        Assert.DoesNotContain(await List("node=shanxi&level=warning"), i => (string?)i!["id"] == id);

        var acked = await Ack(id, """{"by":"duty officer Li","comment":"crew dispatched"}""");
        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);
        var view = await ReadJson(acked);
        Assert.Equal(("acknowledged", "duty officer Li", "crew dispatched"), ((string?)view["state"], (string?)view["acknowledgedBy"], (string?)view["comment"]));
        var again = await Ack(id, """{"by":"someone else"}""");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // idempotent: the first acknowledgement stands
        Assert.Equal("duty officer Li", (string?)(await ReadJson(again))["acknowledgedBy"]);
        await Eventually.Until(() => List("node=changzhi-luzhou&state=acknowledged"), items => items.Any(i => (string?)i!["id"] == id), TimeSpan.FromSeconds(30), "the alarm list");

        await Send(5);
        await Eventually.Until(() => List("node=changzhi&state=cleared"), items => items.Any(i => (string?)i!["id"] == id && i["clearedAt"] is not null), TimeSpan.FromSeconds(30), "the alarm list");
        var late = await Ack(id, """{"by":"duty officer Li"}""");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("application/problem+json", late.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("state=open", "state")]
    [InlineData("state=1", "state")]
    [InlineData("level=none", "level")]
    [InlineData("level=critical", "level")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("cursor=%%%", "cursor")]
    public async Task A_bad_list_parameter_is_a_400_naming_it(string query, string field)
    {
        var response = await _http.GetAsync("/api/v1/alarms?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await ReadJson(response))["errors"]![field]);
    }

    [Fact]
    public async Task An_unknown_node_or_alarm_is_a_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/alarms?node=atlantis")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Ack("taiyuan-xiaodian-gas-001:gasLel:424242", """{"by":"x"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Ack("not-an-alarm-id", """{"by":"x"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Ack("../../etc:passwd:1", """{"by":"x"}""")).StatusCode);
    }

    [Theory]
    [InlineData("""{"comment":"no one"}""", "by")]
    [InlineData("""{"by":""}""", "by")]
    [InlineData("""{"by":"   "}""", "by")]
    [InlineData("""{"by":42}""", "$.by")]
    [InlineData("""{"by":"a","by":"b"}""", "$.by")]
    [InlineData("""{"by":"x",""", "$")]
    [InlineData("""[1,2]""", "$")]
    [InlineData("""{"by":"tab\there"}""", "by")]
    public async Task A_bad_acknowledgement_is_a_400_naming_the_field_and_changes_nothing(string body, string fieldPrefix)
    {
        await Send(70);
        var alarm = (await Eventually.Until(() => List("node=changzhi-luzhou&state=active"), items => items.Any(i => (string?)i!["assetId"] == Asset),
                TimeSpan.FromSeconds(30), "the alarm list"))
            .First(i => (string?)i!["assetId"] == Asset)!;
        var response = await Ack((string)alarm["id"]!, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadJson(response))["errors"]!.AsObject();
        Assert.Contains(errors, e => e.Key.StartsWith(fieldPrefix, StringComparison.Ordinal) || (fieldPrefix == "$" && e.Key is "$" or "body"));
        Assert.Equal("active", (string?)(await List("node=changzhi-luzhou&state=active")).First(i => (string?)i!["id"] == (string)alarm["id"]!)!["state"]);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_newest_first_without_repeats()
    {
        var all = await List("limit=1000");
        var paged = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ReadJson(await _http.GetAsync("/api/v1/alarms?limit=2" + (cursor is null ? "" : "&cursor=" + cursor)));
            paged.AddRange(page["items"]!.AsArray().Select(i => (string)i!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null && paged.Count < 2000);
        Assert.Equal(all.Select(i => (string)i!["id"]!).Where(paged.Contains), paged.Where(id => all.Any(i => (string?)i!["id"] == id)));
        Assert.Equal(paged.Count, paged.Distinct().Count());
    }

}
