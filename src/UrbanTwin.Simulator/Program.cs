using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using UrbanTwin.Grains.Simulation;
using UrbanTwin.Grains.Topology;

// Usage: dotnet run --project src/UrbanTwin.Simulator -- feed [--url http://localhost:8080] [--rate 1000] [--seconds 30] [--batch 200]
// Posts readings for the reference Shanxi assets (the ones embedded mode seeds) as real HTTP batches, at a fixed
// rate, and reports what the gateway accepted and refused.
const string Usage = "usage: UrbanTwin.Simulator feed [--url URL] [--rate READINGS_PER_SECOND] [--seconds N] [--batch N]";
var options = CommandLine.Parse(args);
if (options.Command != "feed")
{
    Console.Error.WriteLine(Usage);
    return 2;
}
if (options.Error is not null)
{
    Console.Error.WriteLine($"{options.Error}\n{Usage}");
    return 2;
}

var assets = AssetPlan.For(ReferenceTopology.Load()).ToArray();
using var http = new HttpClient { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(30) };
var random = new Random(1);
var batchesPerSecond = options.Rate / (double)options.Batch;
var interval = TimeSpan.FromSeconds(1 / batchesPerSecond);
long sent = 0, accepted = 0, rejected = 0, failedBatches = 0;
var next = 0;
var clock = Stopwatch.StartNew();
var due = TimeSpan.Zero;
Console.WriteLine($"Feeding {options.Url}: {options.Rate} readings/s in batches of {options.Batch} for {options.Seconds} s over {assets.Length} assets");
while (clock.Elapsed < TimeSpan.FromSeconds(options.Seconds))
{
    var batch = new JsonArray();
    var now = DateTimeOffset.UtcNow.ToString("O");
    for (var i = 0; i < options.Batch; i++, next = (next + 1) % assets.Length)
    {
        var metrics = new JsonObject();
        foreach (var sample in ReadingGenerator.Generate(assets[next].Kind, random))
        {
            metrics[sample.Metric] = sample.Value;
        }
        batch.Add(new JsonObject { ["assetId"] = assets[next].Id, ["ts"] = now, ["metrics"] = metrics });
    }
    try
    {
        using var response = await http.PostAsJsonAsync("/api/v1/telemetry", batch);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        accepted += (long?)body?["accepted"] ?? 0;
        rejected += body?["rejected"]?.AsArray().Count ?? 0;
        failedBatches += (int)response.StatusCode >= 400 ? 1 : 0;
    }
    catch (HttpRequestException ex)
    {
        failedBatches++;
        Console.Error.WriteLine($"batch failed: {ex.Message}");
    }
    sent += options.Batch;
    due += interval;
    if (due > clock.Elapsed)
    {
        await Task.Delay(due - clock.Elapsed);
    }
}
Console.WriteLine($"sent {sent}, accepted {accepted}, rejected {rejected}, failed batches {failedBatches}, " +
    $"{sent / clock.Elapsed.TotalSeconds:F0} readings/s over {clock.Elapsed.TotalSeconds:F1} s");
return failedBatches == 0 && rejected == 0 ? 0 : 1;

internal sealed record CommandLine(string Command, string Url, int Rate, int Seconds, int Batch, string? Error)
{
    public static CommandLine Parse(string[] args)
    {
        string? error = null;
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        int Positive(string name, int fallback)
        {
            var text = Value(name, fallback.ToString());
            if (int.TryParse(text, out var value) && value > 0)
            {
                return value;
            }
            error ??= $"{name} must be a whole number above 0, not '{text}'";
            return fallback;
        }
        var url = Value("--url", "http://localhost:8080");
        if (!Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            error = $"--url must be an absolute URL, not '{url}'";
        }
        var rate = Positive("--rate", 1000);
        var seconds = Positive("--seconds", 30);
        // A batch larger than the rate would send more per second than asked.
        var batch = Math.Min(Positive("--batch", 200), rate);
        return new CommandLine(args.FirstOrDefault() ?? "", url, rate, seconds, batch, error);
    }
}
