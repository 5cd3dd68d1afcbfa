using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Domain.Topology;
using UrbanTwin.Simulator.Processes;

namespace UrbanTwin.Simulator.Bench.Geo;

/// <param name="Assets">Assets registered beside the demo ones, spread evenly over the 117 districts, each inside its district.</param>
/// <param name="Duration">How long the queries run under ingest (after the warm-up).</param>
public sealed record GeoBenchProfile(string Name, int Assets, double Rate, TimeSpan WarmUp, TimeSpan Duration)
{
    public static readonly GeoBenchProfile Quick = new("quick", 200_000, 50_000, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
    public static readonly GeoBenchProfile Full = new("full", 1_000_000, 50_000, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));
    public static readonly GeoBenchProfile Smoke = new("smoke", 2_000, 2_000, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6));
}

/// <summary>Latency of one kind of place query, under ingest.</summary>
public sealed record GeoQueryFigures(string Query, double P50Ms, double P99Ms, double MaxMs, int Samples, int Failed, double MeanItems);

/// <summary>The place queries timed in one phase: alone, or under ingest (the rate reached), and what the gateway's GC paused meanwhile.</summary>
public sealed record GeoPhase(string Name, double IngestPerSecond, GeoQueryFigures[] Queries, double GatewayGcPauseMs, double SiloGcPauseMs, int SiloGen2);

/// <summary>What one <c>bench-geo</c> run measured (issue #22's Measure section).</summary>
/// <param name="IndexBytesPerAsset">Heap of the districts' location index (<c>AssetPoints</c>) per asset, built over the run's assets in this process.</param>
public sealed record GeoReport(string Mode, DateTimeOffset StartedAt, double DurationSeconds, MachineInfo Machine, int Assets, double RegisteredPerSecond,
    double IngestTargetPerSecond, GeoPhase[] Phases, double IndexBytesPerAsset)
{
    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerOptions.Web) { WriteIndented = true });

    public string ToTable()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"bench-geo --{Mode}: {Machine.Cores} cores, {Machine.Runtime}, {Machine.Configuration}, {DurationSeconds:F0} s");
        text.AppendLine(c, $"{Assets:N0} assets (registered at {RegisteredPerSecond:N0}/s); location index {IndexBytesPerAsset:F1} bytes per asset");
        text.AppendLine("| phase | query (through the gateway) | p50 ms | p99 ms | max ms | samples | failed | items per answer | p99 target | GC paused gateway / silo |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var phase in Phases)
        {
            var during = phase.IngestPerSecond > 0 ? $"{phase.Name} ({phase.IngestPerSecond:N0} updates/s of {IngestTargetPerSecond:N0})" : phase.Name;
            foreach (var q in phase.Queries)
            {
                var target = q.Query.StartsWith("near", StringComparison.Ordinal) ? "<= 20" : "<= 100";
                text.AppendLine(c, $"| {during} | {q.Query} | {q.P50Ms:F1} | {q.P99Ms:F1} | {q.MaxMs:F0} | {q.Samples} | {q.Failed} | {q.MeanItems:N1} | {target} | " +
                    $"{phase.GatewayGcPauseMs:F0} / {phase.SiloGcPauseMs:F0} ms ({phase.SiloGen2} gen-2) |");
            }
        }
        return text.ToString();
    }
}

/// <summary>
/// <c>bench-geo</c> (issue #22): a cluster as in production (a Redis, a silo and a gateway, each its own process) with the Shanxi topology and
/// <see cref="GeoBenchProfile.Assets"/> more assets registered over HTTP, each inside its district; then, while
/// telemetry flows at a fixed rate, <c>near</c> (500 m around a random asset) and <c>POST /assets/search</c> (within a
/// random city's boundary, first page of 100) timed one at a time; and the location index's bytes per asset.
/// </summary>
public static class GeoBenchCommand
{
    private const int BatchSize = 5_000;

    public static async Task<GeoReport> RunAsync(GeoBenchProfile profile, TextWriter log)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var directory = Directory.CreateTempSubdirectory("urbantwin-bench-geo-").FullName;
        log.WriteLine($"bench-geo --{profile.Name}: logs in {directory}");
        var nodes = ReferenceTopology.Load();
        var assets = Placed(nodes, profile.Assets);

        await using var redis = await RedisServer.StartAsync(directory);
        await using var cluster = await Deployment.ClusterAsync(directory, redis.ConnectionString, silos: 1);
        using var http = new HttpClient { BaseAddress = cluster.Gateway, Timeout = TimeSpan.FromMinutes(5) };
        using var silo = new HttpClient { BaseAddress = cluster.Silos[0], Timeout = TimeSpan.FromMinutes(1) };
        var registering = Stopwatch.StartNew();
        await Parallel.ForEachAsync(assets.Chunk(BatchSize), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
        {
            await RegisterAsync(http, batch, ct);
        });
        var registered = assets.Length / registering.Elapsed.TotalSeconds;
        log.WriteLine($"registered {assets.Length:N0} assets in {registering.Elapsed.TotalSeconds:F0} s ({registered:N0}/s)");

        var cities = nodes.Where(n => n.Kind == NodeKind.City && n.Boundary is not null).ToArray();
        var random = new Random(5);
        async Task<GeoPhase> QueriesAsync(string name, TimeSpan duration, double ingestPerSecond)
        {
            var near = new List<(double Ms, int Items, bool Ok)>();
            var within = new List<(double Ms, int Items, bool Ok)>();
            var (gatewayBefore, siloBefore) = (await RuntimeCounters.TakeAsync(http), await RuntimeCounters.TakeAsync(silo));
            var phase = Stopwatch.StartNew();
            while (phase.Elapsed < duration)
            {
                var anchor = assets[random.Next(assets.Length)].Location;
                near.Add(await TimeAsync(() => http.GetAsync(string.Create(CultureInfo.InvariantCulture,
                    $"/api/v1/assets?near={anchor.Lng + (random.NextDouble() - 0.5) * 0.002:R},{anchor.Lat + (random.NextDouble() - 0.5) * 0.002:R}&radius=500&limit=1000"))));
                var city = cities[random.Next(cities.Length)];
                var body = $$"""{"geometry":{{Shapes.ToGeoJson(city.Boundary!)}},"relation":"within","limit":100}""";
                within.Add(await TimeAsync(() => http.PostAsync("/api/v1/assets/search", new StringContent(body, Encoding.UTF8, "application/json"))));
            }
            var gateway = (await RuntimeCounters.TakeAsync(http)).Minus(gatewayBefore);
            var siloGc = (await RuntimeCounters.TakeAsync(silo)).Minus(siloBefore);
            var result = new GeoPhase(name, ingestPerSecond, [Figures("near 500 m", near), Figures("within a city (first page of 100)", within)],
                gateway.GatewayGcPauseSeconds * 1000, siloGc.GatewayGcPauseSeconds * 1000, (int)siloGc.GatewayGen2);
            foreach (var q in result.Queries)
            {
                log.WriteLine($"{name}: {q.Query}: p50 {q.P50Ms:F1} ms, p99 {q.P99Ms:F1} ms ({q.Samples} answers, {q.Failed} failed, {q.MeanItems:N1} items each)");
            }
            log.WriteLine($"{name}: GC paused the gateway {result.GatewayGcPauseMs:F0} ms, the silo {result.SiloGcPauseMs:F0} ms ({result.SiloGen2} gen-2 collections)");
            return result;
        }

        // First with nothing else running (what the queries cost by themselves), then while telemetry flows at the profile's rate.
        await QueriesAsync("warm-up", TimeSpan.FromSeconds(Math.Min(5, profile.Duration.TotalSeconds / 2)), 0);
        var atRest = await QueriesAsync("at rest", profile.Duration / 2, 0);
        var load = new TelemetryLoad(cluster.Gateway, assets, 8, 500, "accepted").RunAsync(profile.WarmUp, profile.Duration, profile.Rate);
        await Task.Delay(profile.WarmUp);
        var underIngestPhase = QueriesAsync("under ingest", profile.Duration - TimeSpan.FromSeconds(1), profile.Rate);
        var ingest = await load;
        var underIngest = (await underIngestPhase) with { IngestPerSecond = ingest.AcceptedPerSecond };
        log.WriteLine($"ingest meanwhile: {ingest.AcceptedPerSecond:N0} updates/s (target {profile.Rate:N0})");

        var indexBytes = IndexBytesPerAsset(assets);
        log.WriteLine($"location index: {indexBytes:F1} bytes per asset");
        return new GeoReport(profile.Name, started, clock.Elapsed.TotalSeconds, MachineInfo.Current(), assets.Length, registered, profile.Rate,
            [atRest, underIngest], indexBytes);
    }

    /// <summary>Registers the assets (a bridge with its thresholds, which its kind requires); any refused is an error of the benchmark.</summary>
    internal static async Task RegisterAsync(HttpClient http, AssetDefinition[] batch, CancellationToken ct)
    {
        using var response = await http.PostAsync("/api/v1/assets", JsonContent.Create(batch.Select(a => new
        {
            id = a.Id, kind = a.Kind, nodeId = a.NodeId, name = a.Name, location = new { lng = a.Location.Lng, lat = a.Location.Lat },
            thresholds = a.Thresholds.ToDictionary(t => t.Key, t => t.Value.Select(r => new
            {
                level = r.Level.ToString().ToLowerInvariant(), op = r.Op.ToString().ToLowerInvariant(), value = r.Value, hysteresis = r.Hysteresis,
            })),
        })), ct);
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new InvalidOperationException($"registration refused: {(int)response.StatusCode} {body[..Math.Min(body.Length, 600)]}");
        }
    }

    private static async Task<(double Ms, int Items, bool Ok)> TimeAsync(Func<Task<HttpResponseMessage>> send)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await send();
        var body = await response.Content.ReadAsByteArrayAsync();
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            return (ms, 0, false);
        }
        using var answer = JsonDocument.Parse(body);
        return (ms, answer.RootElement.GetProperty("items").GetArrayLength(), true);
    }

    private static GeoQueryFigures Figures(string name, List<(double Ms, int Items, bool Ok)> samples)
    {
        var ok = samples.Where(s => s.Ok).ToList();
        var p = Percentiles.Of([.. ok.Select(s => s.Ms)]);
        return new GeoQueryFigures(name, p.P50Ms, p.P99Ms, p.MaxMs, p.Samples, samples.Count - ok.Count, ok.Count == 0 ? 0 : ok.Average(s => s.Items));
    }

    /// <summary>The heap the districts' location index takes for these assets, per asset: built here, with the product's type.</summary>
    private static double IndexBytesPerAsset(AssetDefinition[] assets)
    {
        var contributions = assets.Select(a => new AssetContribution(a.Id, a.Kind, a.Name, a.Location, AssetStatus.Normal, 0, 0, DateTimeOffset.MaxValue, 1, [], null, []))
            .ToArray();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var index = new Grains.Rollup.AssetPoints(contributions);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(index);
        return (after - before) / (double)assets.Length;
    }

    /// <summary>The assets: per district an equal share, at points drawn inside its boundary, kinds in turn.</summary>
    internal static AssetDefinition[] Placed(NodeDefinition[] nodes, int count)
    {
        var districts = nodes.Where(n => n.Kind == NodeKind.District && n.Boundary is not null).OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        var kinds = AssetCatalog.Kinds.Select(k => k.Name).ToArray();
        var random = new Random(22);
        var assets = new AssetDefinition[count];
        for (var d = 0; d < districts.Length; d++)
        {
            var district = districts[d];
            var area = PreparedGeometryFactory.Prepare(Shapes.ToGeometry(district.Boundary!));
            var box = area.Geometry.EnvelopeInternal;
            for (var i = d; i < count; i += districts.Length)
            {
                Coordinate point;
                do
                {
                    point = new Coordinate(Math.Round(box.MinX + random.NextDouble() * box.Width, 6), Math.Round(box.MinY + random.NextDouble() * box.Height, 6));
                }
                while (!area.Covers(Shapes.Factory.CreatePoint(point)));
                var kind = kinds[i % kinds.Length];
                var definition = AssetCatalog.Get(kind);
                assets[i] = new AssetDefinition($"{district.Id}-geo-{i:D7}", kind, district.Id, $"geo {i}", new GeoPoint(point.X, point.Y),
                    definition.ReportingIntervalSeconds, kind == AssetCatalog.Bridge ? Demo.AssetPlan.BridgeThresholds : [], []);
            }
        }
        return assets;
    }
}
