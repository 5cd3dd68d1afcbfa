using System.Net.Http.Json;
using System.Text.Json.Nodes;
using UrbanTwin.Cluster.Tests.Harness;
using UrbanTwin.Demo;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Domain.Topology;
using UrbanTwin.Gateway.Tests.Webhooks;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// Issue #19's acceptance, tried as an integrator would against a real cluster (redis-server, two silos, a gateway):
/// a receiver subscribed to <c>alarm.*</c> under Taiyuan gets, for 200 gas alarms raised and cleared by telemetry,
/// every event exactly once after deduplication by webhook-id, each signed, in order per asset, with the receiver
/// down in the middle (<c>URBANTWIN_TEST_RECEIVER_DOWN_SECONDS</c>, 5 s by default; 30 s in the words).
/// </summary>
public sealed class WebhookIntegratorTests(ITestOutputHelper output)
{
    private const int Alarms = 200;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private DateTimeOffset _ts = DateTimeOffset.UtcNow.AddMinutes(-10);

    private static TimeSpan Outage => TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("URBANTWIN_TEST_RECEIVER_DOWN_SECONDS"), out var seconds) && seconds > 0 ? seconds : 5);

    [Fact]
    public async Task Two_hundred_gas_alarms_raised_and_cleared_reach_the_receiver_once_each_signed_and_in_order_across_its_outage()
    {
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        // Retries doubling from 100 ms to 51 s: an outage of up to about a minute and a half loses nothing.
        var settings = new Dictionary<string, string> { ["Webhooks__AllowPrivateTargets"] = "true", ["Webhooks__KeepAliveInterval"] = "00:00:01" };
        for (var i = 0; i < 10; i++)
        {
            settings[$"Webhooks__RetrySchedule__{i}"] = TimeSpan.FromMilliseconds(100 << i).ToString();
        }
        await using var cluster = await LocalCluster.StartAsync(output, silos: 2, settings: settings);
        var created = await cluster.Http.PostAsJsonAsync("/api/v1/subscriptions",
            new { url = receiver.UrlOf("integrator"), events = new[] { "alarm.*" }, node = "taiyuan", kinds = new[] { AssetCatalog.GasPipeline } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var secret = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["secret"]!;

        var assets = AssetPlan.For(ReferenceTopology.Load())
            .Where(a => a.Kind == AssetCatalog.GasPipeline && a.NodeId.StartsWith("taiyuan-", StringComparison.Ordinal)).Select(a => a.Id).ToArray();
        var rounds = (Alarms + assets.Length - 1) / assets.Length;
        var raised = 0;
        var outageStarted = DateTime.UtcNow;
        for (var round = 0; round < rounds && raised < Alarms; round++)
        {
            var these = assets.Take(Alarms - raised).ToArray();
            await PostAsync(cluster, these, 60);
            if (round == rounds / 2)
            {
                await receiver.StopAsync(); // in the middle: the clearings of this round and what follows meet a closed port
                outageStarted = DateTime.UtcNow;
            }
            await PostAsync(cluster, these, 0);
            raised += these.Length;
        }
        var remaining = Outage - (DateTime.UtcNow - outageStarted);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining); // the outage itself: the scenario's input, not a wait for a result
        }
        await receiver.StartAsync();

        var delivered = await Eventually.Until(
            () => Task.FromResult(receiver.At("integrator").Where(r => r.AnsweredWith is >= 200 and < 300).DistinctBy(r => r.Id).ToList()),
            d => d.Count >= 2 * Alarms, Deadline, $"{2 * Alarms} events delivered");
        var all = receiver.At("integrator").ToList();
        output.WriteLine($"{Alarms} alarms over {assets.Length} gas pipelines in {rounds} rounds; receiver down {Outage.TotalSeconds:F0} s; "
            + $"{all.Count} requests answered, {delivered.Count} events, {all.Count(r => r.AnsweredWith is >= 200 and < 300) - delivered.Count} duplicates");
        Assert.Equal(2 * Alarms, delivered.Count);
        Assert.All(all, r => Assert.True(r.VerifiesWith(secret), $"signature of {r.Id}"));
        foreach (var asset in delivered.GroupBy(d => d.AssetId))
        {
            var types = asset.Select(d => d.Type).ToList();
            Assert.Equal(Enumerable.Range(0, types.Count / 2).SelectMany(_ => new[] { "alarm.raised", "alarm.cleared" }), types);
        }
    }

    private async Task PostAsync(LocalCluster cluster, string[] assets, double lel)
    {
        _ts = _ts.AddSeconds(1);
        var items = new JsonArray();
        foreach (var asset in assets)
        {
            items.Add(new JsonObject { ["assetId"] = asset, ["ts"] = _ts.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), ["metrics"] = new JsonObject { ["gasLel"] = lel } });
        }
        await cluster.PostUntilAcceptedAsync(items.ToJsonString(), assets.Length, $"gasLel {lel} on {assets.Length} assets accepted");
    }
}
