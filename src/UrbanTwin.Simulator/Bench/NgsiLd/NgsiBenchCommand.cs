using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Domain.Topology;
using UrbanTwin.Simulator.Bench.Geo;
using UrbanTwin.Simulator.Processes;

namespace UrbanTwin.Simulator.Bench.NgsiLd;

/// <param name="Assets">Assets registered beside the demo ones, spread over the 117 districts (as bench-geo places them).</param>
/// <param name="Duration">How long each ingest door is driven, and how long the queries are timed.</param>
public sealed record NgsiBenchProfile(string Name, int Assets, TimeSpan Duration)
{
    public static readonly NgsiBenchProfile Quick = new("quick", 200_000, TimeSpan.FromSeconds(20));
    public static readonly NgsiBenchProfile Full = new("full", 1_000_000, TimeSpan.FromSeconds(40));
    public static readonly NgsiBenchProfile Smoke = new("smoke", 2_000, TimeSpan.FromSeconds(3));
}

/// <summary>Updates a door took: requests of 500, closed loop, durable acknowledgements.</summary>
public sealed record NgsiIngestFigures(string Door, double UpdatesPerSecond, int Requests, int Failed);

/// <summary>What one <c>bench-ngsi</c> run measured (issue #23's Measure section).</summary>
/// <param name="Notification">From a durable reading's POST to the NGSI-LD Notification carrying it, one at a time; samples notified within 10 s.</param>
public sealed record NgsiReport(string Mode, DateTimeOffset StartedAt, double DurationSeconds, MachineInfo Machine, int Assets, double RegisteredPerSecond,
    NgsiIngestFigures Native, NgsiIngestFigures Upsert, GeoQueryFigures[] Queries, Percentiles Notification, int NotificationProbes)
{
    public double UpsertToNative => Upsert.UpdatesPerSecond / Native.UpdatesPerSecond;

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerOptions.Web) { WriteIndented = true });

    public string ToTable()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"bench-ngsi --{Mode}: {Machine.Cores} cores, {Machine.Runtime}, {Machine.Configuration}, {DurationSeconds:F0} s; {Assets:N0} assets (registered at {RegisteredPerSecond:N0}/s)");
        text.AppendLine("| door (500 per request, ack durable, 8 senders) | updates/s | requests | failed |");
        text.AppendLine("|---|---|---|---|");
        foreach (var door in new[] { Native, Upsert })
        {
            text.AppendLine(c, $"| {door.Door} | {door.UpdatesPerSecond:N0} | {door.Requests:N0} | {door.Failed} |");
        }
        text.AppendLine(c, $"upsert / native: {UpsertToNative:P0}");
        text.AppendLine();
        text.AppendLine("| query (through the gateway, one at a time) | p50 ms | p99 ms | max ms | samples | failed | entities per answer |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var q in Queries)
        {
            text.AppendLine(c, $"| {q.Query} | {q.P50Ms:F1} | {q.P99Ms:F1} | {q.MaxMs:F0} | {q.Samples} | {q.Failed} | {q.MeanItems:N1} |");
        }
        text.AppendLine();
        text.AppendLine(c, $"subscription notification (durable POST to the Notification at the receiver): p50 {Notification.P50Ms:F1} ms, p99 {Notification.P99Ms:F1} ms, " +
            $"max {Notification.MaxMs:F0} ms ({Notification.Samples} of {NotificationProbes} notified)");
        return text.ToString();
    }
}

/// <summary>
/// <c>bench-ngsi</c> (issue #23): a cluster as in production (a Redis, a silo and a gateway, each its own process) with
/// <see cref="NgsiBenchProfile.Assets"/> assets; the same updates sent through the native telemetry door and through
/// NGSI-LD <c>entityOperations/upsert?options=update</c> (what an IoT Agent sends), each for the profile's duration;
/// then <c>type=GasPipeline&amp;q=gasLel&gt;20&amp;limit=100</c> and a 500 m <c>near</c> geo-query timed one at a time.
/// </summary>
public static class NgsiBenchCommand
{
    private const int PerRequest = 500;
    private const int Senders = 8;

    public static async Task<NgsiReport> RunAsync(NgsiBenchProfile profile, TextWriter log)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var directory = Directory.CreateTempSubdirectory("urbantwin-bench-ngsi-").FullName;
        log.WriteLine($"bench-ngsi --{profile.Name}: logs in {directory}");
        var assets = GeoBenchCommand.Placed(ReferenceTopology.Load(), profile.Assets);

        await using var redis = await RedisServer.StartAsync(directory);
        await using var cluster = await Deployment.ClusterAsync(directory, redis.ConnectionString, silos: 1);
        using var http = new HttpClient { BaseAddress = cluster.Gateway, Timeout = TimeSpan.FromMinutes(5) };
        var registering = Stopwatch.StartNew();
        await Parallel.ForEachAsync(assets.Chunk(5_000), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
        {
            await GeoBenchCommand.RegisterAsync(http, batch, ct);
        });
        var registered = assets.Length / registering.Elapsed.TotalSeconds;
        log.WriteLine($"registered {assets.Length:N0} assets in {registering.Elapsed.TotalSeconds:F0} s ({registered:N0}/s)");

        // Both doors send the same kind of update (one metric of the asset's kind), each sender to its own share of the
        // assets with times that only go forward, so no update is refused as stale.
        var baseTime = DateTimeOffset.UtcNow.AddHours(-2);
        var native = await DriveAsync("native POST /api/v1/telemetry?ack=durable", profile.Duration, baseTime, assets, log, (batch, at) =>
            http.PostAsync("/api/v1/telemetry?ack=durable", new StringContent(NativeBody(batch, at), Encoding.UTF8, "application/json")));
        var upsert = await DriveAsync("NGSI-LD POST entityOperations/upsert?options=update", profile.Duration, baseTime.AddHours(1), assets, log, (batch, at) =>
            http.PostAsync("/ngsi-ld/v1/entityOperations/upsert?options=update", new StringContent(UpsertBody(batch, at), Encoding.UTF8, "application/json")));

        var random = new Random(23);
        var queries = new[]
        {
            await TimeQueriesAsync(http, "type=GasPipeline&q=gasLel>20&limit=100", profile.Duration, () => "/ngsi-ld/v1/entities?type=GasPipeline&q=gasLel%3E20&limit=100"),
            await TimeQueriesAsync(http, "georel=near;maxDistance==500 (limit 100)", profile.Duration, () =>
            {
                var anchor = assets[random.Next(assets.Length)].Location;
                return string.Create(CultureInfo.InvariantCulture,
                    $"/ngsi-ld/v1/entities?georel=near%3BmaxDistance%3D%3D500&geometry=Point&coordinates=%5B{anchor.Lng:R},{anchor.Lat:R}%5D&limit=100");
            }),
        };
        foreach (var q in queries)
        {
            log.WriteLine($"{q.Query}: p50 {q.P50Ms:F1} ms, p99 {q.P99Ms:F1} ms ({q.Samples} answers, {q.Failed} failed, {q.MeanItems:N1} entities each)");
        }
        var probes = assets.Where(a => a.Kind == AssetCatalog.GasPipeline).Take(profile.Name == "smoke" ? 20 : 200).ToArray();
        var notification = await NotificationProbe.RunAsync(http, probes);
        log.WriteLine($"notification: p50 {notification.P50Ms:F1} ms, p99 {notification.P99Ms:F1} ms ({notification.Samples} of {probes.Length} notified)");
        return new NgsiReport(profile.Name, started, clock.Elapsed.TotalSeconds, MachineInfo.Current(), assets.Length, registered, native, upsert, queries,
            notification, probes.Length);
    }

    /// <summary><see cref="Senders"/> senders in a closed loop for the duration, each over its share of the assets, 500 updates per request.</summary>
    private static async Task<NgsiIngestFigures> DriveAsync(string door, TimeSpan duration, DateTimeOffset from, AssetDefinition[] assets, TextWriter log,
        Func<ArraySegment<AssetDefinition>, DateTimeOffset, Task<HttpResponseMessage>> send)
    {
        long updates = 0;
        int requests = 0, failed = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(async s =>
        {
            var share = assets.Where((_, i) => i % Senders == s).ToArray();
            var (offset, round) = (0, 0);
            while (watch.Elapsed < duration)
            {
                var count = Math.Min(PerRequest, share.Length - offset);
                using var response = await send(new ArraySegment<AssetDefinition>(share, offset, count), from.AddMilliseconds(round));
                Interlocked.Increment(ref requests);
                // Only a whole request done counts (200, 201, 204): a 207 names updates that were refused.
                if (response.StatusCode is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.NoContent)
                {
                    Interlocked.Add(ref updates, count);
                }
                else if (Interlocked.Increment(ref failed) == 1)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    log.WriteLine($"{door}: first failure {(int)response.StatusCode}: {body[..Math.Min(body.Length, 400)]}");
                }
                offset += count;
                if (offset >= share.Length)
                {
                    (offset, round) = (0, round + 1);
                }
            }
        }));
        var figures = new NgsiIngestFigures(door, updates / watch.Elapsed.TotalSeconds, requests, failed);
        log.WriteLine($"{door}: {figures.UpdatesPerSecond:N0} updates/s ({requests:N0} requests, {failed} failed)");
        return figures;
    }

    private static string NativeBody(ArraySegment<AssetDefinition> batch, DateTimeOffset at)
    {
        var ts = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        return "[" + string.Join(",", batch.Select(a => string.Create(CultureInfo.InvariantCulture,
            $$$"""{"assetId":"{{{a.Id}}}","ts":"{{{ts}}}","metrics":{"{{{Metric(a)}}}":{{{Value(a, at)}}}}}"""))) + "]";
    }

    private static string UpsertBody(ArraySegment<AssetDefinition> batch, DateTimeOffset at)
    {
        var ts = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        return "[" + string.Join(",", batch.Select(a => string.Create(CultureInfo.InvariantCulture,
            $$$"""{"id":"{{{AssetEntityTypes.EntityId(a.Kind, a.Id)}}}","type":"{{{AssetEntityTypes.OfKind(a.Kind)}}}","{{{Metric(a)}}}":{"type":"Property","value":{{{Value(a, at)}}},"observedAt":"{{{ts}}}"}}"""))) + "]";
    }

    private static string Metric(AssetDefinition asset) => AssetCatalog.Get(asset.Kind).Metrics[0].Name;

    /// <summary>A value within the metric's range that moves with time (gasLel spreads over 0–40 %, so about half are above 20).</summary>
    private static double Value(AssetDefinition asset, DateTimeOffset at)
    {
        var metric = AssetCatalog.Get(asset.Kind).Metrics[0];
        var spread = metric.Name == "gasLel" ? 40 : Math.Min(metric.Max - metric.Min, 10);
        return Math.Round(metric.Min + (Math.Abs(asset.Id.GetHashCode() + at.ToUnixTimeMilliseconds()) % 1000) / 1000.0 * spread, 3);
    }

    private static async Task<GeoQueryFigures> TimeQueriesAsync(HttpClient http, string name, TimeSpan duration, Func<string> path)
    {
        var samples = new List<(double Ms, int Items, bool Ok)>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration || samples.Count < 10)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path());
            var body = await response.Content.ReadAsByteArrayAsync();
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            samples.Add(response.IsSuccessStatusCode ? (ms, JsonDocument.Parse(body).RootElement.GetArrayLength(), true) : (ms, 0, false));
        }
        var ok = samples.Where(s => s.Ok).ToList();
        var p = Percentiles.Of([.. ok.Select(s => s.Ms)]);
        return new GeoQueryFigures(name, p.P50Ms, p.P99Ms, p.MaxMs, p.Samples, samples.Count - ok.Count, ok.Count == 0 ? 0 : ok.Average(s => s.Items));
    }
}
