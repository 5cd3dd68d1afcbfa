using System.Text;
using System.Text.Json.Nodes;
using StackExchange.Redis;
using UrbanTwin.Cluster.Tests.Harness;
using UrbanTwin.EventLog;
using UrbanTwin.Simulator.Live;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// The event log and the pushed live view against real processes (redis-server, two silos, a gateway): alarm events
/// reach a cluster gateway's SSE client as they happen, the same stream goes on delivering them across kill -9 of
/// each silo in turn, and every event is in the durable log, read by a consumer group as webhooks and history will.
/// </summary>
public sealed class LiveEventsTests(ITestOutputHelper output)
{
    private const string District = "taiyuan-xiaodian";
    private const string Asset = District + "-gas-001";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private DateTimeOffset _ts = DateTimeOffset.UtcNow.AddMinutes(-10);

    [Fact]
    public async Task Alarm_events_reach_a_stream_across_a_kill_9_of_each_silo_and_are_all_in_the_durable_log()
    {
        // Renewal every second: the longest a view waits to find its node restarted elsewhere.
        await using var cluster = await LocalCluster.StartAsync(output, silos: 2, settings: new Dictionary<string, string> { ["Live__RenewEvery"] = "00:00:01" });
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var stream = await SseReader.OpenAsync(cluster.Http, $"/api/v1/nodes/{District}/stream", cts.Token);
        await stream.NextAsync("snapshot", cts.Token);
        var seen = new List<string>(); // event ids the stream delivered, in order

        await RaiseAndClearAsync(cluster, stream, seen, cts.Token);
        cluster.KillSilo(1);
        await RaiseAndClearAsync(cluster, stream, seen, cts.Token);
        await cluster.StartSiloAsync(1);
        cluster.KillSilo(0); // the district lived on one of them: this stream has now outlived the death of its node's silo
        // A client opening a stream right after the kill gets its snapshot at once (the last state this gateway saw,
        // marked stale if the node has not answered yet), not after the failover.
        var opening = System.Diagnostics.Stopwatch.StartNew();
        using (var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        await using (var late = await SseReader.OpenAsync(cluster.Http, $"/api/v1/nodes/{District}/stream", quick.Token))
        {
            var snapshot = await late.NextAsync("snapshot", quick.Token);
            output.WriteLine($"a stream opened right after the kill: snapshot in {opening.ElapsedMilliseconds} ms (stale: {(bool?)snapshot["node"]!["stale"] ?? false})");
        }
        await RaiseAndClearAsync(cluster, stream, seen, cts.Token);

        // The durable log, read as a consumer group reads it (every partition, from the start, acknowledged).
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var logged = new List<(string Type, string Id)>();
        for (var p = 0; p < EventStreams.Partitions; p++)
        {
            var key = EventStreams.Key(cluster.ServiceId, p);
            if (!await db.KeyExistsAsync(key))
            {
                continue;
            }
            await db.StreamCreateConsumerGroupAsync(key, "test-consumer", "0-0");
            var entries = await db.StreamReadGroupAsync(key, "test-consumer", "reader-1", ">", 100_000);
            await db.StreamAcknowledgeAsync(key, "test-consumer", [.. entries.Select(e => e.Id)]);
            logged.AddRange(entries.Where(e => e["asset"] == Asset && e["type"].ToString().StartsWith("alarm.", StringComparison.Ordinal))
                .Select(e => (e["type"].ToString(), EventJson.Deserialize(e["event"]!).Id)));
        }
        output.WriteLine($"logged for {Asset}: {string.Join(", ", logged.Select(l => l.Type))}; streamed: {seen.Count}");
        Assert.Equal(["alarm.raised", "alarm.cleared", "alarm.raised", "alarm.cleared", "alarm.raised", "alarm.cleared"], logged.Select(l => l.Type));
        Assert.Equal(logged.Select(l => l.Id), seen); // each exactly once, in order: nothing lost, nothing doubled
    }

    /// <summary>Raises an alarm on the asset, then clears it, and waits for both on the stream (retrying a post the cluster could not take yet).</summary>
    private async Task RaiseAndClearAsync(LocalCluster cluster, SseReader stream, List<string> seen, CancellationToken ct)
    {
        foreach (var (lel, type) in new[] { (64.0, "raised"), (2.0, "cleared") })
        {
            var started = DateTime.UtcNow;
            await PostAsync(cluster, lel);
            var alarm = await stream.NextAsync("alarm", ct, a => (string?)a["alarm"]!["assetId"] == Asset && !seen.Contains((string)a["id"]!));
            output.WriteLine($"{type}: on the stream {(DateTime.UtcNow - started).TotalMilliseconds:F0} ms after the post began");
            Assert.Equal(type, (string?)alarm["type"]);
            seen.Add((string)alarm["id"]!);
        }
    }

    private async Task PostAsync(LocalCluster cluster, double lel)
    {
        _ts = _ts.AddSeconds(1);
        var body = $$$"""[{"assetId":"{{{Asset}}}","ts":"{{{_ts:yyyy-MM-ddTHH:mm:ss.fffZ}}}","metrics":{"gasLel":{{{lel}}}}}]""";
        await cluster.PostUntilAcceptedAsync(body, 1, $"gasLel {lel} on {Asset} accepted");
    }
}
