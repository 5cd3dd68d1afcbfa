using System.Diagnostics;
using System.Text.Json.Nodes;
using UrbanTwin.Cluster.Tests.Harness;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Demo;
using UrbanTwin.Grains.Topology;
using UrbanTwin.Simulator.Checks;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// The durability promises of DESIGN.md §4 against real processes: a redis-server with AOF, three silos and a
/// gateway. Every scenario ends by reading each acknowledged value back through the gateway.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private static readonly AssetDefinition[] ReferenceAssets = [.. AssetPlan.For(ReferenceTopology.Load())];
    private static readonly TimeSpan ReadBackDeadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Durable_updates_survive_a_kill_9_of_one_silo_read_through_another_gateway_and_are_written_in_groups()
    {
        await using var cluster = await LocalCluster.StartAsync(output);
        var writer = new TelemetryWriter(cluster.Http, ReferenceAssets[..2500], "durable");
        var scriptCallsBefore = await ScriptCallsAsync(cluster);

        var clock = Stopwatch.StartNew();
        while (writer.AcknowledgedItems < 10_000)
        {
            await writer.SendBatchAsync(500);
        }
        clock.Stop();
        var scriptCalls = await ScriptCallsAsync(cluster) - scriptCallsBefore;
        output.WriteLine($"durable: {writer.AcknowledgedItems} items in {clock.Elapsed.TotalSeconds:F1} s " +
            $"({writer.AcknowledgedItems / clock.Elapsed.TotalSeconds:F0}/s, one request of 500 at a time); " +
            $"{scriptCalls} Redis script calls in that time, all writers together");
        Assert.Empty(writer.Failures);
        Assert.Equal(0, writer.PendingItems);
        // Group commit: far fewer Redis script calls than acknowledged writes (one per write without it). The
        // count also includes roll-up write-behind, so the bound is loose.
        Assert.True(scriptCalls * 4 < writer.AcknowledgedItems,
            $"{scriptCalls} script calls for {writer.AcknowledgedItems} durable writes: writes are not grouped");

        cluster.KillSilo(1);
        // Read back through a second gateway started now: gateways hold no state of their own.
        var secondGateway = await cluster.StartExtraGatewayAsync();
        Assert.Empty(await TelemetryWriter.ReadBackMismatchesAsync(secondGateway, writer.Acknowledged.Values, ReadBackDeadline));
    }

    [Fact]
    public async Task After_every_silo_is_killed_a_restart_restores_state_and_the_rollups_heal_without_help()
    {
        await using var cluster = await LocalCluster.StartAsync(output);
        var writer = new TelemetryWriter(cluster.Http, ReferenceAssets[..2000], "durable");
        while (writer.AcknowledgedItems < 2000)
        {
            await writer.SendBatchAsync(500);
        }
        Assert.Empty(writer.Failures);
        var before = await Eventually.Until(() => RollupCheckAsync(cluster), c => c.Consistent, TimeSpan.FromSeconds(30), "consistent roll-ups before the crash");
        Assert.True(before.Alarm + before.Warning > 0, "the ingest should have raised some warnings and alarms");
        var alarmsBefore = await Eventually.Until(() => OpenAlarmIdsAsync(cluster), ids => ids.Count == before.Alarm + before.Warning,
            TimeSpan.FromSeconds(30), "one open alarm per asset in warning or alarm");

        for (var i = 0; i < cluster.Silos.Length; i++)
        {
            cluster.KillSilo(i);
        }
        // Nothing seeds this time: whatever comes back comes from Redis.
        var restart = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, cluster.Silos.Length).Select(i => cluster.StartSiloAsync(i, seed: false)));
        var silosReady = restart.Elapsed;

        var province = await Eventually.Until(() => TryGetJsonAsync(cluster, "/api/v1/nodes/shanxi"), p => p is not null, ReadBackDeadline, "the province after restart");
        Assert.Equal(4, (int)province!["childCount"]!);
        Assert.Equal(34_915_616, (long)province["indicators"]!["population"]!["value"]!);
        Assert.Empty(await TelemetryWriter.ReadBackMismatchesAsync(cluster.Http, writer.Acknowledged.Values, ReadBackDeadline));

        var after = await Eventually.Until(() => RollupCheckAsync(cluster), c => c.Consistent, ReadBackDeadline, "consistent roll-ups after the restart");
        output.WriteLine($"restart of every silo: 3 silos ready {silosReady.TotalSeconds:F1} s after the restart began; " +
            $"every acknowledged value read back and the province's counts equal the sum over its assets {restart.Elapsed.TotalSeconds:F1} s after it");
        Assert.Equal(ReferenceAssets.Length, after.Total);
        Assert.Equal((before.Normal, before.Warning, before.Alarm), (after.Normal, after.Warning, after.Alarm));
        // Alarm state is durable: the same open alarms, same ids, listed again once the districts have healed.
        await Eventually.Until(() => OpenAlarmIdsAsync(cluster), ids => ids.SetEquals(alarmsBefore), ReadBackDeadline, "the same open alarms after the restart");
    }

    [Fact]
    public async Task Redis_restarted_during_durable_ingest_answers_only_success_or_retryable_errors_and_loses_nothing()
    {
        await using var cluster = await LocalCluster.StartAsync(output);
        var writer = new TelemetryWriter(cluster.Http, ReferenceAssets[..3000], "durable");
        using var stop = new CancellationTokenSource();
        var ingest = writer.RunAsync(250, stop.Token);

        await Eventually.Until(() => Task.FromResult(writer.AcknowledgedItems), n => n >= 2000, TimeSpan.FromSeconds(60), "2000 acknowledged items");
        await cluster.Redis.StopAsync();
        await Eventually.Until(() => Task.FromResult(writer.RetryableRefusals), n => n > 0, TimeSpan.FromSeconds(30), "a retryable refusal while Redis is down");
        await cluster.Redis.StartAsync();
        var atRestart = writer.AcknowledgedItems;
        await Eventually.Until(() => Task.FromResult(writer.AcknowledgedItems), n => n >= atRestart + 2000, TimeSpan.FromSeconds(90),
            "2000 more acknowledged items after Redis is back");
        await stop.CancelAsync();
        await ingest;
        await writer.DrainAsync(TimeSpan.FromSeconds(60));

        output.WriteLine($"redis restart: {writer.AcknowledgedItems} items acknowledged in {writer.Requests} requests; {writer.RetryableRefusals} answered 503/unavailable");
        Assert.Empty(writer.Failures);
        Assert.Empty(await TelemetryWriter.ReadBackMismatchesAsync(cluster.Http, writer.Acknowledged.Values, ReadBackDeadline));
    }

    /// <summary>Scripts Redis ran (EVAL and EVALSHA): what a write costs in round trips.</summary>
    private static async Task<long> ScriptCallsAsync(LocalCluster cluster) =>
        await cluster.Redis.CommandCallsAsync("evalsha") + await cluster.Redis.CommandCallsAsync("eval");

    private static async Task<JsonObject?> TryGetJsonAsync(LocalCluster cluster, string path)
    {
        try
        {
            return await cluster.GetJsonAsync(path);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task<HashSet<string>> OpenAlarmIdsAsync(LocalCluster cluster)
    {
        try
        {
            var active = (await cluster.GetJsonAsync("/api/v1/alarms?state=active&limit=1000"))["items"]!.AsArray();
            return [.. active.Select(a => (string)a!["id"]!)];
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return [];
        }
    }

    private sealed record RollupCheck(bool Consistent, int Total, int Normal, int Warning, int Alarm, string Detail);

    /// <summary>The province's counts by status against the statuses of all its assets, listed page by page.</summary>
    private static async Task<RollupCheck> RollupCheckAsync(LocalCluster cluster)
    {
        try
        {
            var province = (await cluster.GetJsonAsync("/api/v1/nodes/shanxi"))["assets"]!;
            var byStatus = province["byStatus"]!;
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            string? cursor = null;
            do
            {
                var page = await cluster.GetJsonAsync("/api/v1/assets?node=shanxi&limit=1000" + (cursor is null ? "" : "&cursor=" + cursor));
                foreach (var item in page["items"]!.AsArray())
                {
                    var status = (string)item!["status"]!;
                    counts[status] = counts.GetValueOrDefault(status) + 1;
                }
                cursor = (string?)page["nextCursor"];
            }
            while (cursor is not null);

            var listed = (Total: counts.Values.Sum(), Normal: counts.GetValueOrDefault("normal"), Warning: counts.GetValueOrDefault("warning"),
                Alarm: counts.GetValueOrDefault("alarm"));
            var summary = (Total: (int)province["total"]!, Normal: (int)byStatus["normal"]!, Warning: (int)byStatus["warning"]!, Alarm: (int)byStatus["alarm"]!);
            return new RollupCheck(listed == summary, summary.Total, summary.Normal, summary.Warning, summary.Alarm,
                $"province {summary} vs listed {listed}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new RollupCheck(false, 0, 0, 0, 0, ex.Message);
        }
    }
}
