using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class TelemetryApiTests(GatewayFixture gateway)
{
    private readonly HttpClient _http = gateway.CreateClient();

    private static string Now(int offsetSeconds = 0) => DateTimeOffset.UtcNow.AddSeconds(offsetSeconds).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private Task<HttpResponseMessage> Post(string body, string contentType = "application/json") =>
        _http.PostAsync("/api/v1/telemetry", new StringContent(body, Encoding.UTF8, contentType));

    private async Task<string> Snapshot(string assetId) => await _http.GetStringAsync($"/api/v1/assets/{assetId}");

    private async Task<int> Alarms(string nodeId) => (int)(await ReadJson(await _http.GetAsync($"/api/v1/nodes/{nodeId}")))["activeAlarms"]!["alarm"]!;

    [Fact]
    public async Task Ack_durable_is_answered_after_the_write_and_an_unknown_ack_is_refused_without_changing_anything()
    {
        const string asset = "taiyuan-xiaodian-gas-004";
        var item = $$$"""[{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","seq":1,"metrics":{"gasLel":7.5}}]""";
        var durable = await _http.PostAsync("/api/v1/telemetry?ack=durable", new StringContent(item, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, durable.StatusCode);
        Assert.Equal(1, (int)(await ReadJson(durable))["accepted"]!);
        var before = await Snapshot(asset);

        // Sent again unchanged (a client that lost the answer): acknowledged again, applied once.
        var again = await _http.PostAsync("/api/v1/telemetry?ack=durable", new StringContent(item, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(before, await Snapshot(asset));

        var later = $$$"""[{"assetId":"{{{asset}}}","ts":"{{{Now(1)}}}","seq":2,"metrics":{"gasLel":9}}]""";
        var bad = await _http.PostAsync("/api/v1/telemetry?ack=eventually", new StringContent(later, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await ReadJson(bad))["errors"]!["ack"]);
        Assert.Equal(before, await Snapshot(asset));
    }

    [Fact]
    public async Task A_60_percent_LEL_reading_raises_the_alarm_up_to_the_province_within_two_seconds()
    {
        const string asset = "taiyuan-xiaodian-gas-003";
        var path = new[] { "taiyuan-xiaodian", "taiyuan", "central", "shanxi" };
        var before = new Dictionary<string, int>();
        foreach (var node in path)
        {
            before[node] = await Alarms(node);
        }

        var response = await Post($$$"""[{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","metrics":{"gasLel":60}}]""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (int)(await ReadJson(response))["accepted"]!);
        Assert.Equal("alarm", (string?)(await ReadJson(await _http.GetAsync($"/api/v1/assets/{asset}")))["status"]);

        foreach (var node in path)
        {
            await Eventually.Until(() => Alarms(node), n => n == before[node] + 1, TimeSpan.FromSeconds(2), $"the alarm at {node}");
        }
    }

    [Fact]
    public async Task Every_kind_of_bad_item_is_rejected_with_its_reason_and_changes_nothing()
    {
        const string asset = "datong-pingcheng-gas-001";
        var first = await Post($$$"""[{"assetId":"{{{asset}}}","ts":"{{{Now(-60)}}}","seq":100,"metrics":{"gasLel":3}}]""");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var before = await Snapshot(asset);

        var items = new (string Json, string Reason)[]
        {
            ($$$"""{"assetId":"no-such-asset","ts":"{{{Now()}}}","metrics":{"gasLel":1}}""", "unknown-asset"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","metrics":{"o2":20}}""", "unknown-metric"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","metrics":{"gasLel":"12"}}""", "invalid-value"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","metrics":{"gasLel":"NaN"}}""", "invalid-value"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","metrics":{"gasLel":1e999}}""", "invalid-value"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","metrics":{"gasLel":null}}""", "invalid-value"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","metrics":{"gasLel":250}}""", "out-of-range"),
            ($$$"""{"assetId":"{{{asset}}}","metrics":{"gasLel":1}}""", "invalid-timestamp"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"23/11/2026","metrics":{"gasLel":1}}""", "invalid-timestamp"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"2026-11-23T08:00:00","metrics":{"gasLel":1}}""", "invalid-timestamp"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now(3600)}}}","metrics":{"gasLel":1}}""", "future-timestamp"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now(-3600)}}}","metrics":{"gasLel":1}}""", "stale-timestamp"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","seq":100,"metrics":{"gasLel":1}}""", "duplicate-seq"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","seq":-1,"metrics":{"gasLel":1}}""", "invalid-seq"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","metrics":{}}""", "no-metrics"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","metrics":[1]}""", "malformed-item"),
            ($$$"""{"assetId":"{{{asset}}}","ts":"{{{Now()}}}","metrics":{"gasLel":1,"gasLel":2}}""", "malformed-item"),
            ($$$"""{"ts":"{{{Now()}}}","metrics":{"gasLel":1}}""", "malformed-item"),
            ("42", "malformed-item"),
            ($$$"""{"assetId":"../../etc/passwd","ts":"{{{Now()}}}","metrics":{"gasLel":1}}""", "invalid-asset-id"),
            ($$$"""{"assetId":"ТAIYUAN-gas","ts":"{{{Now()}}}","metrics":{"gasLel":1}}""", "invalid-asset-id"),
        };
        var response = await Post("[" + string.Join(",", items.Select(i => i.Json)) + "]");
        // Nothing accepted: 422 problem details, with the same per-item answers a 207 has.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var result = await ReadJson(response);
        Assert.Equal(0, (int)result["accepted"]!);
        Assert.StartsWith($"None of the {items.Length} items was accepted; [0] (no-such-asset): unknown-asset", (string?)result["detail"]);
        var rejected = result["rejected"]!.AsArray();
        Assert.Equal(items.Length, rejected.Count);
        for (var i = 0; i < items.Length; i++)
        {
            Assert.Equal(i, (int)rejected[i]!["index"]!);
            Assert.True(items[i].Reason == (string?)rejected[i]!["reason"], $"item {i}: expected {items[i].Reason}, got {rejected[i]!["reason"]} ({rejected[i]!["detail"]})");
            Assert.False(string.IsNullOrEmpty((string?)rejected[i]!["detail"]));
        }
        Assert.Equal(before, await Snapshot(asset));
    }

    [Fact]
    public async Task Good_items_around_a_bad_one_are_accepted_and_ndjson_works()
    {
        const string asset = "datong-pingcheng-gas-002";
        var ndjson = $$$"""
            {"assetId":"{{{asset}}}","ts":"{{{Now(-3)}}}","metrics":{"gasLel":4}}
            {"assetId":"{{{asset}}}","ts":
            {"assetId":"{{{asset}}}","ts":"{{{Now(-1)}}}","metrics":{"gasLel":30}}
            """;
        var response = await Post(ndjson, "application/x-ndjson");
        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        var result = await ReadJson(response);
        Assert.Equal(2, (int)result["accepted"]!);
        Assert.Equal(1, (int)result["rejected"]![0]!["index"]!);
        Assert.Equal("malformed-item", (string?)result["rejected"]![0]!["reason"]);
        var state = await ReadJson(await _http.GetAsync($"/api/v1/assets/{asset}"));
        Assert.Equal(30, (double)state["readings"]!["gasLel"]!["value"]!);
        Assert.Equal("warning", (string?)state["status"]);
    }

    [Theory]
    [InlineData("[{\"assetId\": \"a\",")]
    [InlineData("not json at all")]
    [InlineData("[]")]
    [InlineData("")]
    [InlineData("\"text\"")]
    public async Task Malformed_or_empty_bodies_are_400_problem_details(string body)
    {
        var response = await Post(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await ReadJson(response))["errors"]!["body"]);
    }

    [Fact]
    public async Task Oversized_batches_are_413_and_change_nothing()
    {
        const string asset = "datong-pingcheng-gas-003";
        var before = await Snapshot(asset);
        var items = Enumerable.Range(0, GatewayFixture.MaxItemsPerBatch + 1)
            .Select(i => new JsonObject { ["assetId"] = asset, ["ts"] = Now(), ["metrics"] = new JsonObject { ["gasLel"] = 70 } });
        var tooMany = await _http.PostAsJsonAsync("/api/v1/telemetry", items);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        var tooBig = await Post("[" + new string(' ', 2 * 1024 * 1024) + "]");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal("application/problem+json", tooBig.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await Snapshot(asset));
    }
}
