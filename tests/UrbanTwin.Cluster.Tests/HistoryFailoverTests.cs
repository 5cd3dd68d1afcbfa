using System.Net.Http.Json;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Cluster.Tests.Harness;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// The PostgreSQL history store under a cluster crash, as an operator sees it through the gateway: readings
/// acknowledged with <c>ack=durable</c>, every silo killed with SIGKILL within the history flush interval (so rows are
/// still in the reading log, not yet in PostgreSQL), a restart, and then every reading in each asset's history and the
/// city's chart still holding its minutes from before the crash.
/// </summary>
public sealed class HistoryFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private static readonly string[] Assets = [.. new[] { "taiyuan-xiaodian", "taiyuan-yingze" }.SelectMany(d => Enumerable.Range(1, 4).Select(i => $"{d}-water-{i:000}"))];

    [Fact]
    public async Task After_every_silo_is_killed_and_restarted_history_holds_every_acknowledged_reading_and_the_minutes_before_the_crash()
    {
        var logs = Path.Combine(Path.GetTempPath(), "urbantwin-history-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        await using var postgres = await PostgresServer.StartAsync(logs);
        await using var cluster = await LocalCluster.StartAsync(output, silos: 2, settings: new Dictionary<string, string>
        {
            ["ConnectionStrings__History"] = postgres.ConnectionString,
            ["History__FlushInterval"] = "00:00:02", // long enough that the kill lands while rows wait in the log
            ["History__RetryDelay"] = "00:00:00.5",
            ["History__KeepAliveInterval"] = "00:00:01",
            ["History__ReadingsPerMetric"] = "5",
        });

        // A first round, then wait for a closed minute of the city in the store (its chart from before the crash).
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        var posted = new Dictionary<string, List<double>>();
        await PostRoundAsync(cluster, t0, round: 0, posted);
        await Eventually.Until(() => cluster.GetJsonAsync("/api/v1/nodes/taiyuan/history?metric=assets.normal&from=-2h&step=1m"),
            v => ((string)v["source"]!).StartsWith("store", StringComparison.Ordinal), TimeSpan.FromSeconds(100), "a minute of the city in the store");
        var cityBefore = await cluster.GetJsonAsync("/api/v1/nodes/taiyuan/history?metric=assets.normal&from=-7d&step=1h");

        // More rounds, acknowledged durably, and every silo killed at once right after.
        for (var round = 1; round <= 4; round++)
        {
            await PostRoundAsync(cluster, t0, round, posted);
        }
        // What this test is about: rows acknowledged and waiting in the reading log, not yet in PostgreSQL, at the kill.
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString))
        {
            var backlog = await new UrbanTwin.EventLog.Readings.RedisReadingLog(() => redis.GetDatabase(), cluster.ServiceId).BacklogAsync();
            output.WriteLine($"history rows in the reading log at the kill: {backlog.Rows}");
            Assert.True(backlog.Rows > 0, "every row had reached PostgreSQL before the kill: the test proves nothing");
        }
        for (var i = 0; i < cluster.Silos.Length; i++)
        {
            cluster.KillSilo(i);
        }
        await Task.WhenAll(Enumerable.Range(0, cluster.Silos.Length).Select(i => cluster.StartSiloAsync(i, seed: false)));

        // Read through the gateway that ran during the crash.
        foreach (var asset in Assets)
        {
            var view = await Eventually.Until(() => TryGetJsonAsync(cluster, $"/api/v1/assets/{asset}/history?metric=pressure&from=-24h"),
                v => v?["points"]!.AsArray().Count >= posted[asset].Count, Deadline, $"every reading of {asset} in its history");
            Assert.Equal(posted[asset], view!["points"]!.AsArray().Select(p => (double)p!["value"]!));
            Assert.StartsWith("store", (string)view["source"]!);
        }
        var cityAfter = await cluster.GetJsonAsync("/api/v1/nodes/taiyuan/history?metric=assets.normal&from=-7d&step=1h");
        Assert.NotEmpty(cityBefore["points"]!.AsArray());
        Assert.Equal(cityBefore["points"]![0]!["ts"]!.ToString(), cityAfter["points"]![0]!["ts"]!.ToString());
        Assert.StartsWith("store", (string)cityAfter["source"]!);
    }

    /// <summary>One reading per asset, ten seconds after the previous round's, durably; retried until every item is accepted.</summary>
    private static async Task PostRoundAsync(LocalCluster cluster, DateTimeOffset t0, int round, Dictionary<string, List<double>> posted)
    {
        var items = new List<string>();
        foreach (var (asset, i) in Assets.Select((a, i) => (a, i)))
        {
            var value = Math.Round(0.25 + round / 100.0 + i / 1000.0, 4);
            items.Add($$$"""{"assetId":"{{{asset}}}","ts":"{{{t0.AddSeconds(10 * round):yyyy-MM-ddTHH:mm:ss.fffZ}}}","seq":{{{round + 1}}},"metrics":{"pressure":{{{value.ToString(CultureInfo.InvariantCulture)}}}}}""");
            (posted.TryGetValue(asset, out var list) ? list : posted[asset] = []).Add(value);
        }
        await Eventually.Until(async () =>
        {
            try
            {
                using var response = await cluster.Http.PostAsync("/api/v1/telemetry?ack=durable",
                    new StringContent($"[{string.Join(",", items)}]", Encoding.UTF8, "application/json"));
                return response.IsSuccessStatusCode && (int?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["accepted"] == items.Count;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, accepted => accepted, Deadline, $"round {round} accepted durably");
    }

    private static async Task<JsonObject?> TryGetJsonAsync(LocalCluster cluster, string path)
    {
        try
        {
            using var response = await cluster.Http.GetAsync(path);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
