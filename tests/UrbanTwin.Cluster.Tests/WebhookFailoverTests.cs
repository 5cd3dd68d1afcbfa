using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Cluster.Tests.Harness;
using UrbanTwin.Gateway.Tests.Webhooks;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// Webhooks through what a cluster goes through, with real processes (redis-server, two silos, a gateway) and a real
/// receiver: kill -9 of each silo in turn while deliveries are pending (the receiver answering 503), and a Redis
/// restart. Every event raised arrives (deduplicated by webhook-id), signed, in order per asset.
/// </summary>
public sealed class WebhookFailoverTests(ITestOutputHelper output)
{
    private const int Phases = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly string[] _assets = [.. Enumerable.Range(1, 10).Select(i => $"taiyuan-xiaodian-gas-{i:000}")];
    private DateTimeOffset _ts = DateTimeOffset.UtcNow.AddMinutes(-10);

    [Fact]
    public async Task Every_event_reaches_the_receiver_once_deduplicated_through_a_kill_9_of_each_silo_and_a_Redis_restart()
    {
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        await using var cluster = await LocalCluster.StartAsync(output, silos: 2, settings: new Dictionary<string, string>
        {
            ["Webhooks__AllowPrivateTargets"] = "true",
            ["Webhooks__PollInterval"] = "00:00:00.050",
            ["Webhooks__KeepAliveInterval"] = "00:00:01",
            ["Webhooks__RetrySchedule__0"] = "00:00:00.100",
            ["Webhooks__RetrySchedule__1"] = "00:00:00.250",
            ["Webhooks__RetrySchedule__2"] = "00:00:00.500",
            ["Webhooks__RetrySchedule__3"] = "00:00:01",
            ["Webhooks__RetrySchedule__4"] = "00:00:01",
            ["Webhooks__RetrySchedule__5"] = "00:00:01",
            ["Webhooks__RetrySchedule__6"] = "00:00:01",
            ["Webhooks__RetrySchedule__7"] = "00:00:01",
            ["Webhooks__RetrySchedule__8"] = "00:00:01",
            ["Webhooks__RetrySchedule__9"] = "00:00:01",
        });
        var created = await cluster.Http.PostAsJsonAsync("/api/v1/subscriptions",
            new { url = receiver.UrlOf("dispatch"), events = new[] { "alarm.*" }, node = "taiyuan", kinds = new[] { "gas-pipeline" } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var (id, secret) = ((string)body["subscription"]!["id"]!, (string)body["secret"]!);

        await RaiseAndClearAsync(cluster);                       // 1: a healthy cluster
        await WaitDeliveredAsync(receiver, 1);

        receiver.Answer("dispatch", () => 503);                  // 2: deliveries pending while each silo dies in turn
        await RaiseAndClearAsync(cluster);
        await Eventually.Until(() => Task.FromResult(receiver.At("dispatch").Count(r => r.AnsweredWith == 503)), n => n > 0, Deadline, "deliveries refused");
        cluster.KillSilo(1);
        await cluster.StartSiloAsync(1);
        cluster.KillSilo(0);
        receiver.Answer("dispatch", () => 200);
        await WaitDeliveredAsync(receiver, 2);

        await RaiseAndClearAsync(cluster);                       // 3: on the silo that is left and the one restarted
        await WaitDeliveredAsync(receiver, 3);

        await cluster.Redis.StopAsync();                         // 4: Redis restarts (its data kept: AOF)
        await cluster.Redis.StartAsync();
        await RaiseAndClearAsync(cluster);
        var delivered = await WaitDeliveredAsync(receiver, 4);

        var all = receiver.At("dispatch").ToList();
        output.WriteLine($"{all.Count} requests, {all.Count(r => r.AnsweredWith is >= 200 and < 300)} answered 2xx, {delivered.Count} events, "
            + $"{all.Count(r => r.AnsweredWith is >= 200 and < 300) - delivered.Count} duplicates (redelivered after a crash)");
        Assert.All(all, r => Assert.True(r.VerifiesWith(secret), $"signature of {r.Id}"));
        foreach (var asset in delivered.GroupBy(d => d.AssetId))
        {
            Assert.Equal(Enumerable.Range(0, Phases).SelectMany(_ => new[] { "alarm.raised", "alarm.cleared" }), asset.Select(d => d.Type));
        }
        var status = JsonNode.Parse(await cluster.Http.GetStringAsync($"/api/v1/subscriptions/{id}"))!;
        output.WriteLine("status: " + status["delivery"]!.ToJsonString());
        Assert.Equal(0, (long)status["delivery"]!["deadLettered"]!);
    }

    /// <summary>The events delivered with a 2xx, the first of each webhook-id, once all <paramref name="phases"/> phases' are in.</summary>
    private async Task<List<ReceivedWebhook>> WaitDeliveredAsync(WebhookReceiver receiver, int phases)
    {
        var expected = phases * _assets.Length * 2;
        var delivered = await Eventually.Until(
            () => Task.FromResult(receiver.At("dispatch").Where(r => r.AnsweredWith is >= 200 and < 300).DistinctBy(r => r.Id).ToList()),
            d => d.Count >= expected, Deadline, $"{expected} events delivered");
        Assert.Equal(expected, delivered.Count);
        output.WriteLine($"phase {phases}: {expected} events delivered");
        return delivered;
    }

    /// <summary>An alarm raised and cleared on every asset (each post retried until the cluster takes it).</summary>
    private async Task RaiseAndClearAsync(LocalCluster cluster)
    {
        foreach (var lel in new[] { 64.0, 2.0 })
        {
            foreach (var asset in _assets)
            {
                _ts = _ts.AddSeconds(1);
                var item = $$$"""[{"assetId":"{{{asset}}}","ts":"{{{_ts:yyyy-MM-ddTHH:mm:ss.fffZ}}}","metrics":{"gasLel":{{{lel}}}}}]""";
                await cluster.PostUntilAcceptedAsync(item, 1, $"gasLel {lel} on {asset} accepted");
            }
        }
    }
}
