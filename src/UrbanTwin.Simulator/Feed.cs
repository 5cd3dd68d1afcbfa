using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using UrbanTwin.Demo;
using UrbanTwin.Grains.Topology;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Simulator;

/// <summary>A fixed-rate feed of generated readings for the reference assets, as HTTP batches.</summary>
internal static class Feed
{
    public static async Task<int> RunAsync(GatewayRun options)
    {
        var assets = AssetPlan.For(ReferenceTopology.Load()).ToArray();
        using var http = GatewayClient.Create(options.Url, TimeSpan.FromSeconds(30));
        if (await GatewayClient.AccessProblemAsync(http) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 2;
        }
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
    }
}
