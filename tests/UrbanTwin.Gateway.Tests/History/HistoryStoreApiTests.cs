using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests.History;

/// <summary>History through the API of an embedded gateway with a PostgreSQL history store, as an operator reads it.</summary>
public sealed class HistoryStoreApiTests(HistoryGatewayFixture gateway) : IClassFixture<HistoryGatewayFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = gateway.CreateClient();

    [Fact]
    public async Task Readings_beyond_the_memory_window_come_from_the_store_in_one_seamless_series()
    {
        const string asset = "taiyuan-xiaodian-water-001";
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        var posted = await PostAsync(asset, t0, count: 3 * HistoryGatewayFixture.ReadingsInMemory, first: 0);

        var view = await Eventually.Until(() => HistoryAsync(asset, "from=-1h"),
            v => v["points"]!.AsArray().Count == posted.Length, Deadline, "every reading in the asset's history");
        Assert.Equal(posted, view["points"]!.AsArray().Select(p => (double)p!["value"]!));
        Assert.StartsWith("store", (string)view["source"]!);
        Assert.False((bool)view["partial"]!);
        Assert.Equal("raw", (string)view["step"]!);

        // The same by the minute, the greatest of each: every reading was in its own 10 s, three per 30 s.
        var byMinute = await HistoryAsync(asset, "from=-1h&step=1m&agg=max");
        Assert.Equal("max", (string)byMinute["agg"]!);
        var expected = posted.Select((v, i) => (Minute: UrbanTwin.Domain.History.SeriesBucket.Start(t0.AddSeconds(10 * i), TimeSpan.FromMinutes(1)), Value: v))
            .GroupBy(x => x.Minute).Select(g => (g.Key, g.Max(x => x.Value)));
        Assert.Equal(expected, byMinute["points"]!.AsArray().Select(p => (DateTimeOffset.Parse((string)p!["ts"]!), (double)p!["value"]!)));

        // And as CSV.
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/assets/{asset}/history?metric=pressure&from=-1h");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csv = await _http.SendAsync(request);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal("ts,value", lines[0]);
        Assert.Equal(posted.Length + 1, lines.Length);
        Assert.EndsWith("," + posted[0].ToString(System.Globalization.CultureInfo.InvariantCulture), lines[1]);
    }

    [Fact]
    public async Task While_the_store_is_down_ingest_goes_on_history_is_partial_and_the_backlog_drains_when_it_returns()
    {
        const string asset = "taiyuan-xiaodian-water-002";
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-20);
        var before = await PostAsync(asset, t0, count: 5, first: 0);
        await Eventually.Until(() => HistoryAsync(asset, "from=-1h"), v => (string)v["source"]! != "memory" && v["points"]!.AsArray().Count == 5,
            Deadline, "the first readings in the store");

        await gateway.Postgres.StopAsync();
        try
        {
            var during = await PostAsync(asset, t0.AddMinutes(5), count: 15, first: 5); // accepted, durably, with the store away
            var partial = await HistoryAsync(asset, "from=-1h");
            Assert.True((bool)partial["partial"]!);
            Assert.Equal(during.TakeLast(HistoryGatewayFixture.ReadingsInMemory), partial["points"]!.AsArray().Select(p => (double)p!["value"]!));

            var ready = await ReadJson(await _http.GetAsync("/health/ready"));
            Assert.Equal("Degraded", (string?)ready["checks"]!["history"]!["status"]);
            await Eventually.Until(() => PrometheusScrape.TakeAsync(_http), m => m.Sum("urbantwin_history_backlog") >= 15, Deadline,
                "the backlog counted in /metrics");

            await gateway.Postgres.StartAgainAsync();
            var view = await Eventually.Until(() => HistoryAsync(asset, "from=-1h"),
                v => !(bool)v["partial"]! && v["points"]!.AsArray().Count == 20, Deadline, "the backlog drained into the store");
            Assert.Equal([.. before, .. during], view["points"]!.AsArray().Select(p => (double)p!["value"]!));
            await Eventually.Until(() => PrometheusScrape.TakeAsync(_http), m => m.Sum("urbantwin_history_backlog") == 0, Deadline, "an empty backlog");
        }
        finally
        {
            if (!await Ports.AcceptsAsync(gateway.Postgres.Port))
            {
                await gateway.Postgres.StartAgainAsync();
            }
        }
    }

    [Fact]
    public async Task Past_alarm_episodes_are_listed_by_the_time_they_were_active_after_the_asset_has_forgotten_them()
    {
        const string asset = "taiyuan-xiaodian-gas-002";
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-40);
        // Eight episodes, each raised and cleared a minute later: more than the asset keeps once cleared.
        var items = Enumerable.Range(0, 16).Select(i =>
            $$$"""{"assetId":"{{{asset}}}","ts":"{{{t0.AddMinutes(i):yyyy-MM-ddTHH:mm:ss.fffZ}}}","metrics":{"gasLel":{{{(i % 2 == 0 ? 65 : 0)}}}}}""");
        var response = await _http.PostAsync("/api/v1/telemetry?ack=durable", new StringContent($"[{string.Join(",", items)}]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var listed = await Eventually.Until(() => AlarmIdsAsync(asset, "from=-1h&state=cleared"), ids => ids.Count == 8, Deadline,
            "all eight episodes from the store");
        Assert.Equal(8, listed.Distinct().Count());
        // By when they were active: the first 150 s hold the first two episodes only; the last ten minutes none of them.
        var early = await AlarmIdsAsync(asset, $"from={Uri.EscapeDataString(t0.ToString("O"))}&to={Uri.EscapeDataString(t0.AddSeconds(150).ToString("O"))}");
        Assert.Equal(2, early.Count);
        Assert.Empty(await AlarmIdsAsync(asset, "from=-10m"));
        // Without a range: what the grains keep.
        Assert.Equal(UrbanTwin.Domain.Alarms.AlarmBook.ClearedKept, (await AlarmIdsAsync(asset, "state=cleared")).Count);
    }

    private async Task<List<string>> AlarmIdsAsync(string asset, string query)
    {
        var page = await ReadJson(await _http.GetAsync($"/api/v1/alarms?node=taiyuan-xiaodian&limit=1000&{query}"));
        return [.. page["items"]!.AsArray().Select(a => (string)a!["id"]!).Where(id => id.StartsWith(asset + ":", StringComparison.Ordinal))];
    }

    [Fact]
    public async Task The_NGSI_LD_temporal_evolution_of_an_entity_reads_the_same_series_beyond_the_memory_window()
    {
        const string asset = "taiyuan-xiaodian-water-003";
        const string entity = "/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:WaterMain:" + asset;
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-40);
        var posted = await PostAsync(asset, t0, count: 3 * HistoryGatewayFixture.ReadingsInMemory, first: 100);
        await Eventually.Until(() => HistoryAsync(asset, "from=-1h"), v => (string)v["source"]! != "memory" && v["points"]!.AsArray().Count == posted.Length,
            Deadline, "the readings in the store");

        var values = (await ReadJson(await _http.GetAsync($"{entity}?attrs=pressure&options=temporalValues")))["pressure"]!["values"]!.AsArray();
        Assert.Equal(posted, values.Select(v => (double)v![0]!));
        Assert.Equal(t0.AddSeconds(10).ToUnixTimeMilliseconds(), DateTimeOffset.Parse((string)values[1]![1]!).ToUnixTimeMilliseconds());

        var last = (await ReadJson(await _http.GetAsync($"{entity}?attrs=pressure&lastN=4")))["pressure"]!.AsArray();
        Assert.Equal(posted[^4..], last.Select(i => (double)i!["value"]!));
        Assert.All(last, i => Assert.Equal(("Property", "MPA"), ((string?)i!["type"], (string?)i["unitCode"])));

        var from = t0.AddSeconds(50).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var to = t0.AddSeconds(100).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var between = (await ReadJson(await _http.GetAsync($"{entity}?attrs=pressure&timerel=between&timeAt={from}&endTimeAt={to}")))["pressure"]!.AsArray();
        Assert.Equal(posted[5..10], between.Select(i => (double)i!["value"]!)); // the end is open

        var byMinute = (await ReadJson(await _http.GetAsync(
            $"{entity}?attrs=pressure&options=aggregatedValues&aggrMethods=max,totalCount&aggrPeriodDuration=PT1M&timerel=after&timeAt={t0.AddSeconds(-1):yyyy-MM-ddTHH:mm:ss.fffZ}")))["pressure"]!;
        var expected = posted.Select((v, i) => (Minute: UrbanTwin.Domain.History.SeriesBucket.Start(t0.AddSeconds(10 * i), TimeSpan.FromMinutes(1)), Value: v))
            .GroupBy(x => x.Minute).Select(g => (g.Key, g.Max(x => x.Value), g.Count())).ToList();
        Assert.Equal(expected.Select(e => (e.Key, e.Item2)), byMinute["max"]!.AsArray().Select(p => (DateTimeOffset.Parse((string)p![1]!), (double)p[0]!)));
        Assert.Equal(expected.Select(e => e.Item3), byMinute["totalCount"]!.AsArray().Select(p => (int)p![0]!));
        Assert.All(byMinute["max"]!.AsArray(), p => Assert.Equal(TimeSpan.FromMinutes(1), DateTimeOffset.Parse((string)p![2]!) - DateTimeOffset.Parse((string)p[1]!)));
    }

    [Fact]
    public async Task Ready_says_history_is_kept_in_postgresql()
    {
        var ready = await _http.GetStringAsync("/health/ready");
        Assert.Contains("PostgreSQL history store answers", ready);
    }

    private async Task<double[]> PostAsync(string asset, DateTimeOffset t0, int count, int first)
    {
        var values = Enumerable.Range(first, count).Select(i => Math.Round(0.2 + i / 1000.0, 3)).ToArray();
        var items = string.Join(",", values.Select((v, i) =>
            $$$"""{"assetId":"{{{asset}}}","ts":"{{{t0.AddSeconds(10 * i):yyyy-MM-ddTHH:mm:ss.fffZ}}}","metrics":{"pressure":{{{v.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}"""));
        var response = await _http.PostAsync("/api/v1/telemetry?ack=durable", new StringContent($"[{items}]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return values;
    }

    private async Task<JsonNode> HistoryAsync(string asset, string query) =>
        await ReadJson(await _http.GetAsync($"/api/v1/assets/{asset}/history?metric=pressure&{query}"));
}
