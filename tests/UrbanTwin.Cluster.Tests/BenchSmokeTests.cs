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

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
