using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class HistoryApiTests(GatewayFixture gateway)
{
    private readonly HttpClient _http = gateway.CreateClient();

    [Fact]
    public async Task An_asset_returns_the_readings_posted_in_order_and_between_from_and_to()
    {
        const string asset = "jincheng-zezhou-water-001";
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-3);
        var items = string.Join(",", Enumerable.Range(0, 3).Select(i =>
            $$$"""{"assetId":"{{{asset}}}","ts":"{{{t0.AddSeconds(i):yyyy-MM-ddTHH:mm:ss.fffZ}}}","metrics":{"pressure":{{{0.30 + i / 100.0}}}}}"""));
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync("/api/v1/telemetry", new StringContent($"[{items}]", Encoding.UTF8, "application/json"))).StatusCode);

        var history = await ReadJson(await _http.GetAsync($"/api/v1/assets/{asset}/history?metric=pressure"));
        Assert.Equal([0.30, 0.31, 0.32], history["points"]!.AsArray().Select(p => (double)p!["value"]!));
        var from = Uri.EscapeDataString(t0.AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
        var later = await ReadJson(await _http.GetAsync($"/api/v1/assets/{asset}/history?metric=pressure&from={from}"));
        Assert.Equal([0.31, 0.32], later["points"]!.AsArray().Select(p => (double)p!["value"]!));
        Assert.Empty((await ReadJson(await _http.GetAsync($"/api/v1/assets/{asset}/history?metric=flow")))["points"]!.AsArray());
    }

    [Theory]
    [InlineData("/api/v1/assets/jincheng-zezhou-water-001/history", "metric")]
    [InlineData("/api/v1/assets/jincheng-zezhou-water-001/history?metric=gasLel", "metric")]
    [InlineData("/api/v1/assets/jincheng-zezhou-water-001/history?metric=pressure&from=yesterday", "from")]
    [InlineData("/api/v1/assets/jincheng-zezhou-water-001/history?metric=pressure&from=2026-11-23T08:00:00", "from")]
    [InlineData("/api/v1/assets/jincheng-zezhou-water-001/history?metric=pressure&from=2020-01-01T00:00:00Z", "from")]
    [InlineData("/api/v1/assets/jincheng-zezhou-water-001/history?metric=pressure&from=-2x", "from")]
    [InlineData("/api/v1/assets/jincheng-zezhou-water-001/history?metric=pressure&step=2m", "step")]
    [InlineData("/api/v1/assets/jincheng-zezhou-water-001/history?metric=pressure&step=1m&agg=median", "agg")]
    [InlineData("/api/v1/nodes/shanxi/history?metric=aqi&step=raw", "step")]
    [InlineData("/api/v1/nodes/shanxi/history?metric=aqi&from=-3h&step=10s", "step")]
    [InlineData("/api/v1/nodes/shanxi/history?metric=aqi&from=-1h&to=-2h", "from")]
    [InlineData("/api/v1/nodes/shanxi/history?metric=nonsense", "metric")]
    [InlineData("/api/v1/nodes/shanxi/history?metric=aqi&step=5s", "step")]
    [InlineData("/api/v1/nodes/shanxi/history?metric=aqi&to=2026-13-01T00:00:00Z", "to")]
    public async Task A_bad_history_query_is_a_400_naming_the_field(string url, string field)
    {
        var response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await ReadJson(response))["errors"]![field]);
    }

    [Theory]
    [InlineData("/api/v1/assets/no-such-asset/history?metric=pressure")]
    [InlineData("/api/v1/nodes/atlantis/history?metric=aqi")]
    public async Task History_of_something_unknown_is_a_404(string url) =>
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(url)).StatusCode);

    [Fact]
    public async Task A_node_samples_its_aggregates_every_10_seconds_and_the_samples_follow_an_alarm()
    {
        const string asset = "jincheng-gaoping-gas-001";
        const string district = "jincheng-gaoping";
        var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync("/api/v1/telemetry",
            new StringContent($$$"""[{"assetId":"{{{asset}}}","ts":"{{{ts}}}","metrics":{"gasLel":65}}]""", Encoding.UTF8, "application/json"))).StatusCode);

        // The next 10 s sample after the alarm reached the district shows it.
        var points = await Eventually.Until(
            async () => (await ReadJson(await _http.GetAsync($"/api/v1/nodes/{district}/history?metric=activeAlarms.alarm")))["points"]!.AsArray(),
            found => found.Any(p => (double)p!["value"]! >= 1), TimeSpan.FromSeconds(40), "a 10 s sample with the alarm");
        var view = await ReadJson(await _http.GetAsync($"/api/v1/nodes/{district}/history?metric=activeAlarms.alarm"));
        Assert.Equal("10s", (string?)view["step"]);
        var times = points.Select(p => DateTimeOffset.Parse((string)p!["ts"]!)).ToList();
        Assert.Equal(times.Order(), times);
    }
}
