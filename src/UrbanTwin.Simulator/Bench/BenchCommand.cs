using System.Diagnostics;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Demo;
using UrbanTwin.Grains.Topology;
using UrbanTwin.Simulator.Processes;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Simulator.Bench;

/// <summary>How long and how big each phase of a run is.</summary>
/// <remarks>
/// Durable ingest gets twice the connections: every answer waits for Redis, so throughput follows the number of
/// items in flight (group commit writes what is waiting together), as it would for a fleet of integrators.
/// </remarks>
/// <param name="WebhookLatencySamples">Alarms timed from POST to webhook receiver.</param>
/// <param name="WebhookEventsPerSecond">Events the webhook throughput phase produces (each delivered to every receiver).</param>
public sealed record BenchProfile(string Name, TimeSpan Baseline, TimeSpan WarmUp, TimeSpan DurableWarmUp, TimeSpan Phase, int MemoryAssets, int Connections, int Batch,
    double QueryIngestRate, int WebhookLatencySamples, double WebhookEventsPerSecond)
{
    public static readonly BenchProfile Smoke = new("smoke", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 2_000, 2, 100, 2_000, 3, 200);
    // The durable cluster warms up for less: its figure waits on Redis round trips more than on compiled code.
    public static readonly BenchProfile Quick = new("quick", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10), 50_000, 8, 500, 50_000, 50, 1_000);
    public static readonly BenchProfile Full = new("full", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), 1_000_000, 8, 500, 50_000, 200, 1_000);

    public int DurableConnections => Connections * 2;
}

/// <summary>
/// <c>bench</c>: the baselines in this process, then the product in processes of its own driven over HTTP by this
/// one: ingest (embedded, <c>ack=accepted</c>), reads and freshness under a fixed ingest rate, durable ingest
/// against a Redis-backed silo, and the memory per asset last (in this process again, after the HTTP phases).
/// </summary>
public static class BenchCommand
{
    /// <param name="siloCounts">Cluster sizes to measure ingest at (accepted and durable), e.g. 1, 2, 3; none: that phase is skipped.</param>
    public static async Task<BenchReport> RunAsync(BenchProfile profile, TextWriter log, IReadOnlyList<int>? siloCounts = null)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var directory = Directory.CreateTempSubdirectory("urbantwin-bench-").FullName;
        log.WriteLine($"bench --{profile.Name}: logs and Redis data in {directory}");

        await using var redis = await RedisAsync(directory, log);
        var redisConnection = redis?.ConnectionString ?? Environment.GetEnvironmentVariable("ConnectionStrings__Redis")!;

        BaselineFigures baseline;
        await using (var silo = await BenchSilo.StartAsync(redisConnection))
        {
            var calls = await Baselines.GrainCallsPerSecondAsync(silo.Grains, profile.Baseline);
            log.WriteLine($"baseline: {calls:N0} grain calls/s");
            var writes = await Baselines.RedisWritesPerSecondAsync(silo.Grains, profile.Baseline);
            log.WriteLine($"baseline: {writes:N0} Redis state writes/s");
            baseline = new BaselineFigures(calls, writes);
        }

        var nodes = ReferenceTopology.Load();
        var assets = AssetPlan.For(nodes).ToArray();
        var probes = assets.Where(a => a.NodeId == FreshnessProbe.District).ToArray(); // left alone by the writers
        var load = assets.Except(probes).ToArray();
        var readable = nodes.Where(n => n.Kind is NodeKind.City or NodeKind.District).Select(n => n.Id).ToArray();

        IngestFigures ingest;
        MqttFigures mqttEmbedded, mqttCluster, mqttClusterAccepted;
        QueryFigures query;
        FreshnessFigures freshness, alarmToStream, valueToStream;
        await using (var embedded = await Deployment.EmbeddedAsync(directory))
        {
            // Not counted: until the gateway's hot paths are compiled to their optimized tier it runs at half speed.
            // Reads warm up too: otherwise the first reads of a 10 s phase run on unoptimized code, among its slowest 1 %.
            var writers = new TelemetryLoad(embedded.Gateway, load, profile.Connections, profile.Batch, "accepted");
            var warmReads = QueryProbe.RunAsync(embedded.Gateway, readable, profile.WarmUp);
            await writers.RunAsync(TimeSpan.Zero, profile.WarmUp, null);
            await warmReads;

            var background = new TelemetryLoad(embedded.Gateway, load, profile.Connections, profile.Batch, "accepted")
                .RunAsync(TimeSpan.FromSeconds(1), profile.Phase + TimeSpan.FromSeconds(2), profile.QueryIngestRate);
            await Task.Delay(TimeSpan.FromSeconds(1)); // the writers' warm-up
            using var metrics = new HttpClient { BaseAddress = embedded.Gateway, Timeout = TimeSpan.FromSeconds(30) };
            var countersBefore = await RuntimeCounters.TakeAsync(metrics);
            var reads = QueryProbe.RunAsync(embedded.Gateway, readable, profile.Phase);
            var fresh = FreshnessProbe.RunAsync(embedded.Gateway, probes, profile.Phase);
            var (q, f, b) = (await reads, await fresh, await background);
            var counters = (await RuntimeCounters.TakeAsync(metrics)).Minus(countersBefore);
            query = new QueryFigures(q.P50Ms, q.P99Ms, q.MaxMs, q.Samples, profile.QueryIngestRate, b.AcceptedPerSecond, counters);
            freshness = FreshnessFigures.From(f.AlarmToProvince);
            alarmToStream = FreshnessFigures.From(f.AlarmToStream);
            valueToStream = FreshnessFigures.From(f.ValueToStream);
            log.WriteLine($"query under {b.AcceptedPerSecond:N0} updates/s: p50 {q.P50Ms:F1} ms, p99 {q.P99Ms:F1} ms, max {q.MaxMs:F0} ms ({q.Samples} reads); " +
                $"meanwhile the gateway paused {counters.GatewayGcPauseSeconds * 1000:F0} ms for GC ({counters.GatewayGen0:F0} gen0, {counters.GatewayGen1:F0} gen1, " +
                $"{counters.GatewayGen2:F0} gen2), this client {counters.ClientGcPauseSeconds * 1000:F0} ms");
            log.WriteLine($"freshness: alarm to province p50 {freshness.P50Ms:F0} ms, p99 {freshness.P99Ms:F0} ms ({freshness.Samples} transitions); " +
                $"alarm to an SSE client p50 {alarmToStream.P50Ms:F0} ms, p99 {alarmToStream.P99Ms:F0} ms; " +
                $"value to an SSE client p50 {valueToStream.P50Ms:F0} ms, p99 {valueToStream.P99Ms:F0} ms ({valueToStream.Samples} changes)");

            // Unbounded ingest last, so that the fixed-rate phase above has not inherited a backlog from it.
            var ingestBefore = await RuntimeCounters.TakeAsync(metrics);
            var result = await writers.RunAsync(TimeSpan.FromSeconds(1), profile.Phase, null);
            var ingestCounters = (await RuntimeCounters.TakeAsync(metrics)).Minus(ingestBefore);
            // Allocation is counted, not timed: bytes per update compare across machines and runs, unlike rates.
            var bytesPerUpdate = ingestCounters.GatewayAllocatedBytes / Math.Max(1, result.AcceptedPerSecond * (profile.Phase + TimeSpan.FromSeconds(1)).TotalSeconds);
            ingest = new IngestFigures(result.AcceptedPerSecond, result.AcceptedPerSecond / baseline.GrainCallsPerSecond,
                result.Rejected, result.FailedRequests, profile.Connections, profile.Batch, bytesPerUpdate);
            log.WriteLine($"ingest (accepted, embedded): {ingest.UpdatesPerSecond:N0} updates/s, {result.Rejected} rejected, {result.FailedRequests} failed requests; " +
                $"the gateway allocated {bytesPerUpdate:N0} bytes per update and paused {ingestCounters.GatewayGcPauseSeconds * 1000:F0} ms for GC");

            mqttEmbedded = await MqttPhaseAsync("embedded (MQTTnet)", "accepted", "127.0.0.1", embedded.MqttPort!.Value, embedded.Gateway, profile.Connections,
                ingest.UpdatesPerSecond);
        }

        IngestFigures durable;
        WebhookFigures webhooks;
        await using (var mosquitto = await MosquittoServer.StartAsync(directory))
        await using (var cluster = await Deployment.ClusterAsync(directory, redisConnection, silos: 1, new Dictionary<string, string>
        {
            ["Mqtt__Server"] = "127.0.0.1",
            ["Mqtt__Port"] = mosquitto.Port.ToString(),
            ["Mqtt__ClientId"] = "urbantwin-bench-gateway",
            ["Mqtt__Ack"] = "durable",
        }, new Dictionary<string, string>
        {
            // A second gateway, acknowledging once the grains took the readings, on topics of its own.
            ["Mqtt__Server"] = "127.0.0.1",
            ["Mqtt__Port"] = mosquitto.Port.ToString(),
            ["Mqtt__ClientId"] = "urbantwin-bench-gateway-accepted",
            ["Mqtt__TopicPrefix"] = AcceptedPrefix,
        }))
        {
            var writers = new TelemetryLoad(cluster.Gateway, load, profile.DurableConnections, profile.Batch, "durable");
            await writers.RunAsync(TimeSpan.Zero, profile.DurableWarmUp, null); // not counted: the silo and gateway warm up
            var result = await writers.RunAsync(TimeSpan.FromSeconds(1), profile.Phase, null);
            durable = new IngestFigures(result.AcceptedPerSecond, result.AcceptedPerSecond / baseline.RedisWritesPerSecond,
                result.Rejected, result.FailedRequests, profile.DurableConnections, profile.Batch);
            log.WriteLine($"durable (1 silo + gateway, Redis): {durable.UpdatesPerSecond:N0} updates/s, {result.Rejected} rejected, {result.FailedRequests} failed requests");

            // After the writers: the probe's readings are newer than any of theirs.
            webhooks = await WebhookProbe.RunAsync(cluster.Gateway, [.. assets.Where(a => a.Kind == AssetCatalog.GasPipeline)],
                profile.WebhookLatencySamples, profile.Phase, profile.WebhookEventsPerSecond);
            log.WriteLine($"webhooks: raise to receiver p50 {webhooks.LatencyP50Ms:F0} ms, p99 {webhooks.LatencyP99Ms:F0} ms ({webhooks.Samples} alarms), " +
                $"beside a receiver that never answers p50 {webhooks.BesideSilentP50Ms:F0} ms, p99 {webhooks.BesideSilentP99Ms:F0} ms; " +
                $"{webhooks.EventsPerSecond:N0} events/s to {webhooks.Receivers} receivers: {webhooks.Deliveries:N0} of {webhooks.Expected:N0} deliveries, {webhooks.DeliveriesPerSecond:N0}/s");

            mqttCluster = await MqttPhaseAsync("Mosquitto", "durable", "127.0.0.1", mosquitto.Port, cluster.Gateway, profile.DurableConnections,
                durable.UpdatesPerSecond);

            // Accepted through Mosquitto, against HTTP accepted on the same cluster (each through a gateway of its own).
            var httpAccepted = await new TelemetryLoad(cluster.Gateway, load, profile.Connections, profile.Batch, "accepted")
                .RunAsync(TimeSpan.FromSeconds(1), profile.Phase, null);
            log.WriteLine($"accepted (1 silo + gateway, Redis): {httpAccepted.AcceptedPerSecond:N0} updates/s, {httpAccepted.FailedRequests} failed requests");
            mqttClusterAccepted = await MqttPhaseAsync("Mosquitto", "accepted", "127.0.0.1", mosquitto.Port, cluster.SecondGateway!, profile.Connections,
                httpAccepted.AcceptedPerSecond, AcceptedPrefix);
        }

        var scaling = new List<SiloScalingFigures>();
        foreach (var silos in siloCounts ?? [])
        {
            await using var cluster = await Deployment.ClusterAsync(directory, redisConnection, silos);
            var accepted = new TelemetryLoad(cluster.Gateway, load, profile.Connections, profile.Batch, "accepted");
            await accepted.RunAsync(TimeSpan.Zero, profile.WarmUp, null);
            var a = await accepted.RunAsync(TimeSpan.FromSeconds(1), profile.Phase, null);
            var d = await new TelemetryLoad(cluster.Gateway, load, profile.DurableConnections, profile.Batch, "durable")
                .RunAsync(TimeSpan.FromSeconds(1), profile.Phase, null);
            scaling.Add(new SiloScalingFigures(silos, a.AcceptedPerSecond, d.AcceptedPerSecond, a.FailedRequests + d.FailedRequests));
            log.WriteLine($"{silos} silo(s) + gateway: accepted {a.AcceptedPerSecond:N0} updates/s, durable {d.AcceptedPerSecond:N0} updates/s");
        }

        MemoryFigures memory;
        await using (var silo = await BenchSilo.StartAsync(redisConnection))
        {
            var result = await MemoryProbe.RunAsync(silo.Services, profile.MemoryAssets);
            memory = new MemoryFigures(result.Assets, result.BytesPerAsset, result.HeapBytesBefore, result.HeapBytesAfter);
            log.WriteLine($"memory: {memory.BytesPerAsset:N0} bytes per asset over {memory.Assets:N0} assets " +
                $"(heap {result.HeapBytesBefore / 1048576.0:N0} → {result.HeapBytesAfter / 1048576.0:N0} MiB)");
        }

        return new BenchReport(profile.Name, started, clock.Elapsed.TotalSeconds, MachineInfo.Current(), baseline, ingest, durable, query, freshness, memory,
            scaling.Count > 0 ? [.. scaling] : null, alarmToStream, valueToStream, webhooks, mqttEmbedded, mqttCluster, mqttClusterAccepted);

        // MQTT ingest through a broker into the gateway, after the HTTP phase it is compared with; then its latency on
        // the probe district's assets (left alone by every writer).
        async Task<MqttFigures> MqttPhaseAsync(string broker, string ack, string host, int port, Uri gateway, int publishers, double http,
            string prefix = "urbantwin/v1")
        {
            var (perSecond, published, taken) = await new MqttLoad(host, port, load, publishers, profile.Batch, prefix)
                .RunAsync(gateway, profile.DurableWarmUp, profile.Phase);
            var latency = await MqttLoad.LatencyAsync(host, port, gateway, probes, profile.WebhookLatencySamples, prefix);
            var figures = new MqttFigures(broker, ack, perSecond, perSecond / http, published, taken, latency.P50Ms, latency.P99Ms, latency.Samples, publishers, profile.Batch);
            log.WriteLine($"mqtt ({broker}, ack={ack}): {perSecond:N0} updates/s ({figures.RatioToHttp:F2} of HTTP), {taken:N0} of {published:N0} readings taken; " +
                $"publish to value p50 {latency.P50Ms:F0} ms, p99 {latency.P99Ms:F0} ms ({latency.Samples} readings)");
            return figures;
        }
    }

    /// <summary>The topics of the cluster's second gateway, which acknowledges MQTT messages once accepted (not durable).</summary>
    private const string AcceptedPrefix = "urbantwin-accepted/v1";

    /// <summary>The Redis of <c>ConnectionStrings__Redis</c> when set; otherwise a redis-server of the run's own, stopped afterwards.</summary>
    private static async Task<RedisServer?> RedisAsync(string directory, TextWriter log)
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ConnectionStrings__Redis")))
        {
            log.WriteLine("Redis: ConnectionStrings__Redis");
            return null;
        }
        var redis = await RedisServer.StartAsync(directory);
        log.WriteLine($"Redis: a redis-server of this run on port {redis.Port} (AOF, fsync every second)");
        return redis;
    }
}
