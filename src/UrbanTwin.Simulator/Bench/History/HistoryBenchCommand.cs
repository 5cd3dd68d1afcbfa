using System.Diagnostics;
using Npgsql;
using StackExchange.Redis;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Demo;
using UrbanTwin.Domain.Topology;
using UrbanTwin.History;
using UrbanTwin.Simulator.Processes;

namespace UrbanTwin.Simulator.Bench.History;

/// <summary>How big a <c>bench-history</c> run is.</summary>
/// <param name="Readings">Reading values the store is filled with before the queries are timed.</param>
/// <param name="Rate">The fixed ingest rate the store must keep up with.</param>
public sealed record HistoryBenchProfile(string Name, long Readings, TimeSpan WarmUp, TimeSpan Phase, TimeSpan RatePhase, double Rate, int QuerySamples,
    int Connections, int Batch)
{
    public static readonly HistoryBenchProfile Quick = new("quick", 5_000_000, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20),
        50_000, 100, 8, 500);
    public static readonly HistoryBenchProfile Full = new("full", 100_000_000, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60),
        50_000, 300, 8, 500);
    public static readonly HistoryBenchProfile Smoke = new("smoke", 1_000_000, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4),
        5_000, 10, 4, 250);
}

/// <summary>
/// <c>bench-history</c> (issue #21): a Redis and a PostgreSQL of the run's own, then
/// <list type="number">
/// <item>unbounded ingest, durable and accepted, against a cluster without the history store and one with it: the cost
/// of the store to ingest, and what the store took meanwhile;</item>
/// <item>ingest held at 50,000 updates/s with the store: whether it keeps up (the reading log's backlog, sampled, and
/// how long it takes to drain afterwards);</item>
/// <item>the store filled by <see cref="HistoryFill"/> to the profile's readings (100 million in full), its bytes per reading;</item>
/// <item>the issue's three queries through the gateway (<see cref="HistoryQueryProbe"/>).</item>
/// </list>
/// PostgreSQL runs with fsync on and the settings in <see cref="PostgresSettings"/>, an operator's first tuning for a
/// write-heavy store on a machine this size.
/// </summary>
public static class HistoryBenchCommand
{
    public static readonly string[] PostgresSettings = ["shared_buffers=2GB", "max_wal_size=8GB", "checkpoint_timeout=15min", "effective_cache_size=12GB"];

    private static readonly TimeSpan DrainDeadline = TimeSpan.FromMinutes(5);

    public static async Task<HistoryReport> RunAsync(HistoryBenchProfile profile, TextWriter log)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var directory = Directory.CreateTempSubdirectory("urbantwin-bench-history-").FullName;
        log.WriteLine($"bench-history --{profile.Name}: logs in {directory}");
        await using var redis = await RedisServer.StartAsync(directory);
        await using var postgres = await PostgresServer.StartAsync(directory, durable: true, settings: PostgresSettings);
        log.WriteLine($"Redis on port {redis.Port}; PostgreSQL on port {postgres.Port} (fsync on; {string.Join(", ", PostgresSettings)})");
        using var redisClient = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var history = new Dictionary<string, string> { ["ConnectionStrings__History"] = postgres.ConnectionString };
        await using var store = new HistoryStore(postgres.ConnectionString);

        var nodes = ReferenceTopology.Load();
        var assets = AssetPlan.For(nodes).ToArray();

        var durable = await IngestAsync("durable", profile.Connections * 2);
        var accepted = await IngestAsync("accepted", profile.Connections);
        var outage = await OutageAsync(profile.Connections * 2);
        var atRate = await AtRateAsync();

        var fill = await HistoryFill.RunAsync(store, assets, nodes, profile.Readings, log);
        log.WriteLine($"fill: {fill.Readings:N0} values in {fill.Seconds:F0} s ({fill.ReadingsPerSecond:N0}/s), {fill.NodeHours:N0} node hours, {fill.NodeMinutes:N0} node minutes");
        var size = await StoreCounters.ReadingsSizeAsync(store.Database);
        var disk = new HistoryDiskFigures(size.Rows, size.HeapBytes, size.IndexBytes);
        log.WriteLine($"store: {disk.Rows:N0} readings, {disk.BytesPerReading:F1} bytes each on disk");

        HistoryQueryFigures[] queries;
        await using (var cluster = await Deployment.ClusterAsync(directory, redis.ConnectionString, silos: 1, settings: history))
        {
            var cities = nodes.Where(n => n.Kind == NodeKind.City).Select(n => n.Id).ToArray();
            var province = nodes.Single(n => n.Kind == NodeKind.Province).Id;
            queries = await HistoryQueryProbe.RunAsync(cluster.Gateway, assets, cities, province, profile.QuerySamples);
            foreach (var q in queries)
            {
                log.WriteLine($"query {q.Query}: p50 {q.P50Ms:F1} ms, p99 {q.P99Ms:F1} ms ({q.Samples} answers, {q.Failed} failed, {q.MeanPoints:N0} points each)");
            }
        }
        return new HistoryReport(profile.Name, started, clock.Elapsed.TotalSeconds, MachineInfo.Current(), PostgresSettings, durable, accepted, outage, atRate,
            fill, disk, queries);

        // Unbounded ingest on a fresh cluster without the store, then on one with it.
        async Task<HistoryIngestFigures> IngestAsync(string ack, int connections)
        {
            double without;
            await using (var cluster = await Deployment.ClusterAsync(directory, redis.ConnectionString, silos: 1))
            {
                var load = new TelemetryLoad(cluster.Gateway, assets, connections, profile.Batch, ack);
                await load.RunAsync(TimeSpan.Zero, profile.WarmUp, null);
                without = (await load.RunAsync(TimeSpan.FromSeconds(1), profile.Phase, null)).AcceptedPerSecond;
            }
            await using (var cluster = await Deployment.ClusterAsync(directory, redis.ConnectionString, silos: 1, settings: history))
            {
                var load = new TelemetryLoad(cluster.Gateway, assets, connections, profile.Batch, ack);
                await load.RunAsync(TimeSpan.Zero, profile.WarmUp, null);
                var before = await StoreCounters.ReadingsInsertedAsync(store.Database);
                var result = await load.RunAsync(TimeSpan.FromSeconds(1), profile.Phase, null);
                var values = (await StoreCounters.ReadingsInsertedAsync(store.Database) - before) / result.Elapsed.TotalSeconds;
                var backlog = await StoreCounters.BacklogAsync(redisClient.GetDatabase(), cluster.ServiceId!);
                var drained = await StoreCounters.DrainedAsync(redisClient.GetDatabase(), cluster.ServiceId!, DrainDeadline);
                var figures = new HistoryIngestFigures(ack, without, result.AcceptedPerSecond, values, backlog, drained?.TotalSeconds, result.FailedRequests);
                log.WriteLine($"ingest ack={ack}: {without:N0} updates/s without the store, {figures.WithPerSecond:N0} with it ({figures.Ratio:F2}); " +
                    $"{values:N0} values/s into PostgreSQL, {backlog:N0} rows waiting at the end, drained in {drained?.TotalSeconds:F1} s");
                return figures;
            }
        }

        // The rows go into the reading log with each durable write while nothing drains it; then PostgreSQL returns.
        async Task<HistoryOutageFigures> OutageAsync(int connections)
        {
            await using var cluster = await Deployment.ClusterAsync(directory, redis.ConnectionString, silos: 1, settings: history);
            var load = new TelemetryLoad(cluster.Gateway, assets, connections, profile.Batch, "durable");
            await load.RunAsync(TimeSpan.Zero, profile.WarmUp, null);
            await StoreCounters.DrainedAsync(redisClient.GetDatabase(), cluster.ServiceId!, DrainDeadline);
            await postgres.StopAsync();
            var result = await load.RunAsync(TimeSpan.FromSeconds(1), profile.Phase, null);
            var backlog = await StoreCounters.BacklogAsync(redisClient.GetDatabase(), cluster.ServiceId!);
            var dropped = (long?)await redisClient.GetDatabase().StringGetAsync(EventLog.Readings.ReadingStreams.DroppedKey(cluster.ServiceId!)) ?? 0;
            await postgres.StartAgainAsync();
            store.Database.Clear(); // the pool's connections died with the server
            var drained = await StoreCounters.DrainedAsync(redisClient.GetDatabase(), cluster.ServiceId!, DrainDeadline);
            log.WriteLine($"ingest ack=durable, PostgreSQL stopped: {result.AcceptedPerSecond:N0} updates/s, {backlog:N0} rows waiting at the end " +
                $"({dropped:N0} dropped), drained {drained?.TotalSeconds:F1} s after PostgreSQL returned");
            return new HistoryOutageFigures(result.AcceptedPerSecond, backlog, dropped, drained?.TotalSeconds);
        }

        async Task<HistoryRateFigures> AtRateAsync()
        {
            await using var cluster = await Deployment.ClusterAsync(directory, redis.ConnectionString, silos: 1, settings: history);
            var load = new TelemetryLoad(cluster.Gateway, assets, profile.Connections, profile.Batch, "accepted");
            await load.RunAsync(TimeSpan.Zero, profile.WarmUp, profile.Rate);
            var before = await StoreCounters.ReadingsInsertedAsync(store.Database);
            var running = load.RunAsync(TimeSpan.FromSeconds(1), profile.RatePhase, profile.Rate);
            long most = 0;
            while (!running.IsCompleted)
            {
                most = Math.Max(most, await StoreCounters.BacklogAsync(redisClient.GetDatabase(), cluster.ServiceId!));
                await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(1)));
            }
            var result = await running;
            var values = (await StoreCounters.ReadingsInsertedAsync(store.Database) - before) / result.Elapsed.TotalSeconds;
            var backlog = await StoreCounters.BacklogAsync(redisClient.GetDatabase(), cluster.ServiceId!);
            var drained = await StoreCounters.DrainedAsync(redisClient.GetDatabase(), cluster.ServiceId!, DrainDeadline);
            log.WriteLine($"ingest at {profile.Rate:N0}/s: {result.AcceptedPerSecond:N0} updates/s achieved, {values:N0} values/s into PostgreSQL, " +
                $"at most {most:N0} rows waiting, {backlog:N0} at the end, drained in {drained?.TotalSeconds:F1} s");
            return new HistoryRateFigures(profile.Rate, result.AcceptedPerSecond, values, most, backlog, drained?.TotalSeconds, result.FailedRequests);
        }
    }
}
