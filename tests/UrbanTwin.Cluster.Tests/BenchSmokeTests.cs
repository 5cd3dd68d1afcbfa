using System.Text.Json.Nodes;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// The benchmark in its smallest profile (seconds per phase), as a process of its own, so it never rots. Only the
/// shape of the report and the validity of its load are asserted: speed targets live in the report, not in a test.
/// </summary>
public sealed class BenchSmokeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("urbantwin-bench-smoke-").FullName;

    [Fact]
    public async Task Bench_smoke_measures_every_figure_with_a_valid_load_and_writes_the_report()
    {
        var report = Path.Combine(_directory, "r.json");
        await using var bench = ServiceProcess.Start("bench", "dotnet", [Binaries.Of("UrbanTwin.Simulator", Binaries.OwnConfiguration), "bench", "--smoke", "--silos", "1,2", "--out", report],
            new Dictionary<string, string> { ["ConnectionStrings__Redis"] = "" }, Path.Combine(_directory, "bench.log"));
        var exitCode = await bench.WaitForExitAsync(TimeSpan.FromMinutes(5));
        output.WriteLine(bench.LogTail(30));
        Assert.Equal(0, exitCode);

        var json = JsonNode.Parse(await File.ReadAllTextAsync(report))!;
        foreach (var figure in new[]
        {
            "baseline.grainCallsPerSecond", "baseline.redisWritesPerSecond", "ingest.updatesPerSecond", "ingest.ratioToBaseline",
            "durable.updatesPerSecond", "durable.ratioToBaseline", "query.p50Ms", "query.p99Ms", "freshness.p99Ms", "memory.bytesPerAsset",
            "alarmToStream.p99Ms", "valueToStream.p99Ms", "webhooks.latencyP99Ms", "webhooks.besideSilentP99Ms", "webhooks.deliveriesPerSecond",
            "mqttEmbedded.updatesPerSecond", "mqttEmbedded.latencyP99Ms", "mqttCluster.updatesPerSecond", "mqttCluster.latencyP99Ms",
            "mqttClusterAccepted.updatesPerSecond", "mqttClusterAccepted.latencyP99Ms",
        })
        {
            var parts = figure.Split('.');
            Assert.True((double)json[parts[0]]![parts[1]]! > 0, $"{figure} is not a positive number");
        }
        Assert.Equal(Environment.ProcessorCount, (int)json["machine"]!["cores"]!);
        // The load itself is valid: every reading accepted, every request answered.
        Assert.Equal(0, (long)json["ingest"]!["rejected"]!);
        Assert.Equal(0, (long)json["ingest"]!["failedRequests"]!);
        Assert.Equal(0, (long)json["durable"]!["rejected"]!);
        Assert.Equal(15, json["targets"]!.AsArray().Count);
        // Every reading published over MQTT was taken by the twin (through the embedded broker, and through Mosquitto durably).
        Assert.Equal((long)json["mqttEmbedded"]!["published"]!, (long)json["mqttEmbedded"]!["taken"]!);
        Assert.Equal((long)json["mqttCluster"]!["published"]!, (long)json["mqttCluster"]!["taken"]!);
        Assert.Equal((long)json["mqttClusterAccepted"]!["published"]!, (long)json["mqttClusterAccepted"]!["taken"]!);
        // Every webhook delivery the phase expected arrived.
        Assert.Equal((long)json["webhooks"]!["expected"]!, (long)json["webhooks"]!["deliveries"]!);
        // The cluster-size phase: one row per size asked for, each with ingest that went through.
        var silos = json["silos"]!.AsArray();
        Assert.Equal([1, 2], silos.Select(s => (int)s!["silos"]!));
        Assert.All(silos, s => Assert.True((double)s!["acceptedUpdatesPerSecond"]! > 0 && (double)s["durableUpdatesPerSecond"]! > 0));
        Assert.All(silos, s => Assert.Equal(0, (long)s!["failedRequests"]!));
    }

    [Fact]
    public async Task Bench_refuses_a_bad_cluster_size()
    {
        await using var bench = ServiceProcess.Start("bench", "dotnet", [Binaries.Of("UrbanTwin.Simulator", Binaries.OwnConfiguration), "bench", "--smoke", "--silos", "1,x"],
            new Dictionary<string, string>(), Path.Combine(_directory, "bench.log"));
        Assert.Equal(2, await bench.WaitForExitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Bench_refuses_unknown_arguments()
    {
        await using var bench = ServiceProcess.Start("bench", "dotnet", [Binaries.Of("UrbanTwin.Simulator", Binaries.OwnConfiguration), "bench", "--fast"],
            new Dictionary<string, string>(), Path.Combine(_directory, "bench.log"));
        Assert.Equal(2, await bench.WaitForExitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Bench_geo_smoke_times_both_place_queries_at_rest_and_under_ingest_and_measures_the_index()
    {
        var json = await RunAsync("bench-geo", "g.json");
        Assert.Equal(2_000, (int)json["assets"]!);
        Assert.True((double)json["indexBytesPerAsset"]! > 0);
        var phases = json["phases"]!.AsArray();
        Assert.Equal(["at rest", "under ingest"], phases.Select(p => (string)p!["name"]!));
        Assert.True((double)phases[1]!["ingestPerSecond"]! > 0);
        Assert.All(phases, phase =>
        {
            Assert.Equal(2, phase!["queries"]!.AsArray().Count);
            Assert.All(phase["queries"]!.AsArray(), q => Assert.True((int)q!["samples"]! > 0 && (int)q["failed"]! == 0 && (double)q["p99Ms"]! > 0, q.ToJsonString()));
        });
        // A city's polygon holds many of 2,000 assets spread over the province: its first page is full.
        Assert.All(phases, phase => Assert.Equal(100, (double)phase!["queries"]![1]!["meanItems"]!));
    }

    [Fact]
    public async Task Bench_ngsi_smoke_drives_both_ingest_doors_with_nothing_refused_and_times_both_queries()
    {
        var json = await RunAsync("bench-ngsi", "n.json");
        Assert.Equal(2_000, (int)json["assets"]!);
        foreach (var door in new[] { "native", "upsert" })
        {
            Assert.True((double)json[door]!["updatesPerSecond"]! > 0 && (int)json[door]!["failed"]! == 0, json[door]!.ToJsonString());
        }
        Assert.True((double)json["upsertToNative"]! > 0);
        Assert.Equal(2, json["queries"]!.AsArray().Count);
        Assert.All(json["queries"]!.AsArray(), q => Assert.True((int)q!["samples"]! > 0 && (int)q["failed"]! == 0 && (double)q["p99Ms"]! > 0, q.ToJsonString()));
        // About half the gas pipelines read above 20 % LEL: the first page of 100 is full.
        Assert.Equal(100, (double)json["queries"]![0]!["meanItems"]!);
        // Every probe reading reached the subscription's receiver as a Notification.
        Assert.Equal((int)json["notificationProbes"]!, (int)json["notification"]!["samples"]!);
    }

    [Fact]
    public async Task Bench_history_smoke_fills_the_store_and_times_the_three_queries_with_nothing_dropped()
    {
        var json = await RunAsync("bench-history", "h.json");
        Assert.True((long)json["fill"]!["readings"]! >= 1_000_000, json["fill"]!.ToJsonString());
        Assert.True((double)json["disk"]!["bytesPerReading"]! > 0);
        foreach (var phase in new[] { "durable", "accepted" })
        {
            Assert.True((double)json[phase]!["withPerSecond"]! > 0 && (double)json[phase]!["withoutPerSecond"]! > 0);
            Assert.Equal(0, (long)json[phase]!["failedRequests"]!);
        }
        Assert.Equal(0, (long)json["outage"]!["dropped"]!);
        Assert.Equal(3, json["queries"]!.AsArray().Count);
        Assert.All(json["queries"]!.AsArray(), q => Assert.True((double)q!["p99Ms"]! > 0, q.ToJsonString()));
    }

    [Fact]
    public async Task A_feature_bench_refuses_full_and_smoke_together()
    {
        await using var bench = ServiceProcess.Start("bench", "dotnet", [Binaries.Of("UrbanTwin.Simulator", Binaries.OwnConfiguration), "bench-geo", "--full", "--smoke"],
            new Dictionary<string, string>(), Path.Combine(_directory, "bench.log"));
        Assert.Equal(2, await bench.WaitForExitAsync(TimeSpan.FromMinutes(1)));
    }

    /// <summary>Runs a feature benchmark's smoke profile as a process of its own and reads its report.</summary>
    private async Task<JsonNode> RunAsync(string command, string reportName)
    {
        var report = Path.Combine(_directory, reportName);
        await using var bench = ServiceProcess.Start("bench", "dotnet", [Binaries.Of("UrbanTwin.Simulator", Binaries.OwnConfiguration), command, "--smoke", "--out", report],
            new Dictionary<string, string>(), Path.Combine(_directory, command + ".log"));
        var exitCode = await bench.WaitForExitAsync(TimeSpan.FromMinutes(6));
        output.WriteLine(bench.LogTail(30));
        Assert.Equal(0, exitCode);
        return JsonNode.Parse(await File.ReadAllTextAsync(report))!;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
