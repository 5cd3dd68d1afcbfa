using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Simulator.Processes;

namespace UrbanTwin.Simulator.Bench.NgsiLd;

/// <summary>
/// Notification latency of an NGSI-LD subscription: a receiver in this process (Kestrel, answering 204), one subscription
/// to the probe assets' <c>gasLel</c>; one durable reading at a time, timed from its POST to the Notification carrying it.
/// </summary>
public static class NotificationProbe
{
    public static async Task<Percentiles> RunAsync(HttpClient http, IReadOnlyList<AssetDefinition> probes)
    {
        var port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        var arrived = new ConcurrentDictionary<string, TaskCompletionSource>(StringComparer.Ordinal);
        app.MapPost("/notify", async (HttpRequest request) =>
        {
            var notification = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!;
            foreach (var entity in notification["data"]!.AsArray())
            {
                var key = $"{(string)entity!["id"]!}={((double)entity["gasLel"]!["value"]!).ToString(CultureInfo.InvariantCulture)}";
                arrived.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
            return Results.NoContent();
        });
        await app.StartAsync();

        var pattern = ":(" + string.Join("|", probes.Select(p => System.Text.RegularExpressions.Regex.Escape(p.Id))) + ")$";
        var subscription = new JsonObject
        {
            ["type"] = "Subscription",
            ["entities"] = new JsonArray(new JsonObject { ["type"] = "GasPipeline", ["idPattern"] = pattern }),
            ["watchedAttributes"] = new JsonArray("gasLel"),
            ["notification"] = new JsonObject
            {
                ["attributes"] = new JsonArray("gasLel"), ["endpoint"] = new JsonObject { ["uri"] = $"http://127.0.0.1:{port}/notify" },
            },
        };
        using var subscribed = await http.PostAsync("/ngsi-ld/v1/subscriptions", new StringContent(subscription.ToJsonString(), Encoding.UTF8, "application/json"));
        if (!subscribed.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"subscription refused: {(int)subscribed.StatusCode} {await subscribed.Content.ReadAsStringAsync()}");
        }
        var latencies = new List<double>();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var round = 0;
        foreach (var probe in probes)
        {
            var value = 1 + round++ % 20;
            var key = $"{AssetEntityTypes.EntityId(probe.Kind, probe.Id)}={value.ToString(CultureInfo.InvariantCulture)}";
            var wait = arrived.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            var started = Stopwatch.GetTimestamp();
            var reading = new JsonArray(new JsonObject
            {
                ["assetId"] = probe.Id, ["ts"] = (at = at.AddMilliseconds(10)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                ["metrics"] = new JsonObject { ["gasLel"] = value },
            });
            using var posted = await http.PostAsync("/api/v1/telemetry?ack=durable", new StringContent(reading.ToJsonString(), Encoding.UTF8, "application/json"));
            if (!posted.IsSuccessStatusCode || await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(10))) != wait)
            {
                continue; // not notified within 10 s: counted as a missing sample
            }
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        if (subscribed.Headers.Location is { } location)
        {
            using var _ = await http.DeleteAsync(location);
        }
        return Percentiles.Of(latencies);
    }
}
