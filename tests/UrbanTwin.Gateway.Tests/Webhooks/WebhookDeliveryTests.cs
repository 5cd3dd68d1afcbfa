using System.Net;
using System.Text.Json.Nodes;

namespace UrbanTwin.Gateway.Tests.Webhooks;

/// <summary>
/// Deliveries as an integrator's receiver sees them: a real HTTP server, alarms raised and cleared by telemetry. Each
/// test has its own receiver path and its own assets; a subscription gets only what is logged after it was made.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookDeliveryTests(WebhookGatewayFixture gateway)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly WebhookTestClient _api = new(gateway.CreateClient());
    private readonly WebhookReceiver _receiver = gateway.Receiver;

    /// <summary>The events a path received with a 2xx, first of each webhook-id only.</summary>
    private List<ReceivedWebhook> Delivered(string path) =>
        [.. _receiver.At(path).Where(r => r.AnsweredWith is >= 200 and < 300).DistinctBy(r => r.Id)];

    private Task<List<ReceivedWebhook>> DeliveredAsync(string path, int count, string what) =>
        Eventually.Until(() => Task.FromResult(Delivered(path)), d => d.Count >= count, Deadline, what);

    /// <summary>Per asset, the order of the event types first delivered.</summary>
    private static void AssertRaisedBeforeCleared(IEnumerable<ReceivedWebhook> delivered)
    {
        foreach (var asset in delivered.GroupBy(d => d.AssetId))
        {
            Assert.Equal(["alarm.raised", "alarm.cleared"], asset.Select(d => d.Type));
        }
    }

    [Fact]
    public async Task An_integrator_under_taiyuan_gets_every_gas_alarm_raised_and_cleared_once_signed_and_in_order_per_asset()
    {
        var taiyuan = WebhookTestClient.GasAssets("taiyuan")[..20];
        var datong = WebhookTestClient.GasAssets("datong")[..2];
        var (id, secret) = await _api.SubscribeAsync(new
        {
            url = _receiver.UrlOf("integrator"), events = new[] { "alarm.*" }, node = "taiyuan", kinds = new[] { "gas-pipeline" }, description = "dispatch desk",
        });

        await _api.GasAsync([.. taiyuan, .. datong], 60);
        await _api.GasAsync([.. taiyuan, .. datong], 0);

        var delivered = await DeliveredAsync("integrator", 40, "40 events delivered");
        var all = _receiver.At("integrator").ToList();
        Assert.Equal(40, delivered.Count);
        Assert.All(all, r => Assert.True(r.VerifiesWith(secret), $"signature of {r.Id}: {r.Signature}"));
        Assert.All(all, r => Assert.StartsWith("v1,", r.Signature));
        Assert.Equal(taiyuan.Order(), delivered.Select(d => d.AssetId).Distinct().Order());
        AssertRaisedBeforeCleared(delivered);
        var raised = delivered.First(d => d.Type == "alarm.raised").Json;
        Assert.StartsWith("taiyuan-", (string)raised["data"]!["nodeId"]!);
        Assert.Equal("gasLel", (string)raised["data"]!["alarm"]!["metric"]!);
        Assert.Equal("alarm", (string)raised["data"]!["alarm"]!["level"]!);
        Assert.Equal(((string)raised["data"]!["eventId"]!), delivered.First(d => d.Type == "alarm.raised").Id);
        Assert.True(DateTimeOffset.TryParse((string)raised["timestamp"]!, out _));

        var status = await Eventually.Until(() => _api.DeliveryOf(id), d => (long)d["pending"]! == 0 && (long)d["delivered"]! >= 40, Deadline, "the status");
        Assert.Equal(0, (long)status["deadLettered"]!);
    }

    [Fact]
    public async Task A_receiver_failing_three_requests_in_ten_at_random_still_gets_every_event_in_order_per_asset()
    {
        var assets = WebhookTestClient.GasAssets("taiyuan")[20..35];
        var random = new Random(7);
        _receiver.Answer("flaky", () => { lock (random) { return random.NextDouble() < 0.3 ? 503 : 200; } });
        var (id, secret) = await _api.SubscribeAsync(new { url = _receiver.UrlOf("flaky"), events = new[] { "alarm.raised", "alarm.cleared" }, node = "taiyuan" });

        await _api.GasAsync(assets, 60);
        await _api.GasAsync(assets, 0);

        var delivered = await DeliveredAsync("flaky", 30, "30 events delivered");
        Assert.Equal(30, delivered.Count);
        Assert.Contains(_receiver.At("flaky"), r => r.AnsweredWith == 503);
        Assert.All(_receiver.At("flaky"), r => Assert.True(r.VerifiesWith(secret)));
        AssertRaisedBeforeCleared(delivered);
        var status = await Eventually.Until(() => _api.DeliveryOf(id), d => (long)d["pending"]! == 0, Deadline, "nothing pending");
        Assert.True((long)status["failed"]! > 0);
        Assert.Equal(0, (long)status["deadLettered"]!);
    }

    [Fact]
    public async Task A_receiver_that_was_down_gets_everything_once_it_is_back()
    {
        var assets = WebhookTestClient.GasAssets("taiyuan")[35..45];
        var (id, _) = await _api.SubscribeAsync(new { url = _receiver.UrlOf("outage"), events = new[] { "alarm.*" }, node = "taiyuan" });
        await _receiver.StopAsync();
        try
        {
            await _api.GasAsync(assets, 60);
            await _api.GasAsync(assets, 0);
            var failing = await Eventually.Until(() => _api.DeliveryOf(id), d => (int)d["consecutiveFailures"]! > 0 && (long)d["pending"]! > 0, Deadline, "failures while down");
            Assert.Contains("refused", (string?)failing["lastError"] ?? "", StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await _receiver.StartAsync();
        }

        var delivered = await DeliveredAsync("outage", 20, "20 events after the outage");
        Assert.Equal(20, delivered.Count);
        AssertRaisedBeforeCleared(delivered);
        Assert.Equal(0, (long)(await Eventually.Until(() => _api.DeliveryOf(id), d => (long)d["pending"]! == 0, Deadline, "nothing pending"))["deadLettered"]!);
    }

    [Fact]
    public async Task An_event_that_always_fails_is_dead_lettered_after_the_last_retry_and_a_replay_delivers_it_with_its_webhook_id()
    {
        var asset = WebhookTestClient.GasAssets("taiyuan")[45];
        _receiver.Answer("broken", () => 500);
        var (id, _) = await _api.SubscribeAsync(new { url = _receiver.UrlOf("broken"), events = new[] { "alarm.raised" }, node = "taiyuan" });

        await _api.GasAsync([asset], 60);
        var letters = await Eventually.Until(async () => (await GatewayFixture.ReadJson(await _api.Http.GetAsync($"/api/v1/subscriptions/{id}/dead-letters")))["items"]!.AsArray(),
            items => items.Count == 1, Deadline, "one dead letter");
        var letter = letters[0]!;
        Assert.Equal((asset, "alarm.raised", WebhookGatewayFixture.Retries + 1), ((string)letter["assetId"]!, (string)letter["type"]!, (int)letter["attempts"]!));
        Assert.Contains("500", (string)letter["lastError"]!);
        Assert.Equal(WebhookGatewayFixture.Retries + 1, _receiver.At("broken").Count(r => r.Id == (string)letter["eventId"]!));
        var status = await _api.DeliveryOf(id);
        Assert.Equal((1L, 0L, 0L), ((long)status["deadLettered"]!, (long)status["delivered"]!, (long)status["pending"]!));

        _receiver.Answer("broken", () => 200);
        var replay = await _api.Http.PostAsync($"/api/v1/subscriptions/{id}/dead-letters/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(1, (int)(await GatewayFixture.ReadJson(replay))["replayed"]!);
        var redelivered = await DeliveredAsync("broken", 1, "the replayed event");
        Assert.Equal((string)letter["eventId"]!, redelivered.Single().Id);
        var after = await Eventually.Until(() => _api.DeliveryOf(id), d => (long)d["delivered"]! == 1, Deadline, "counted delivered");
        Assert.Equal(0, (long)after["pending"]!);
        Assert.Empty((await GatewayFixture.ReadJson(await _api.Http.GetAsync($"/api/v1/subscriptions/{id}/dead-letters")))["items"]!.AsArray());

        // What an SRE alerts on: the outcomes by result, and the backlog of this subscription.
        var metrics = await Eventually.Until(() => PrometheusScrape.TakeAsync(_api.Http),
            m => m.Has("urbantwin_webhook_backlog") && m.Sum("urbantwin_webhook_backlog", $"subscription=\"{id}\"") == 0, Deadline, "the backlog gauge at 0");
        Assert.True(metrics.Sum("urbantwin_webhook_deliveries_total", "result=\"dead_lettered\"") >= 1, metrics.ToString());
        Assert.True(metrics.Sum("urbantwin_webhook_deliveries_total", "result=\"failed\"") >= WebhookGatewayFixture.Retries + 1);
        Assert.True(metrics.Sum("urbantwin_webhook_deliveries_total", "result=\"delivered\"") >= 1);
        Assert.True(metrics.Has("urbantwin_webhook_delivery_latency_seconds_bucket"));
    }

    [Fact]
    public async Task A_410_disables_the_subscription_and_resuming_it_delivers_what_waited()
    {
        var assets = WebhookTestClient.GasAssets("taiyuan")[46..48];
        _receiver.Answer("gone", () => 410);
        var (id, _) = await _api.SubscribeAsync(new { url = _receiver.UrlOf("gone"), events = new[] { "alarm.raised" }, node = "taiyuan" });

        await _api.GasAsync(assets[..1], 60);
        var disabled = await Eventually.Until(() => _api.GetAsync(id), s => (string)s["state"]! == "disabled", Deadline, "disabled");
        Assert.Contains("410", (string)disabled["stateReason"]!);
        await _api.GasAsync(assets[1..], 60);
        await Eventually.Until(() => _api.DeliveryOf(id), d => (long)d["pending"]! >= 2, Deadline, "both events waiting"); // and the status changes, not looked at yet
        Assert.Single(_receiver.At("gone"));

        _receiver.Answer("gone", () => 200);
        var resumed = await _api.PatchAsync(id, """{"state":"active"}""");
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal("active", (string)(await GatewayFixture.ReadJson(resumed))["state"]!);
        var delivered = await DeliveredAsync("gone", 2, "both events after resuming");
        Assert.Equal(assets.Order(), delivered.Select(d => d.AssetId).Order());
    }

    [Fact]
    public async Task A_receiver_that_never_answers_does_not_hold_up_another_subscription()
    {
        var assets = WebhookTestClient.GasAssets("taiyuan")[48..53];
        _receiver.Hang("silent", true);
        try
        {
            var (silent, _) = await _api.SubscribeAsync(new { url = _receiver.UrlOf("silent"), events = new[] { "alarm.raised" }, node = "taiyuan" });
            var (healthy, _) = await _api.SubscribeAsync(new { url = _receiver.UrlOf("healthy"), events = new[] { "alarm.raised" }, node = "taiyuan" });

            await _api.GasAsync(assets, 60);
            await DeliveredAsync("healthy", 5, "the healthy subscription's events");
            // The silent receiver's first attempt lasts the delivery timeout. Had the healthy subscription waited behind
            // it, that attempt would have failed before the healthy one finished; it is still in flight.
            var stuck = await _api.DeliveryOf(silent);
            Assert.Equal((0L, 0L), ((long)stuck["delivered"]!, (long)stuck["failed"]!));
            Assert.Equal(5, (long)(await _api.DeliveryOf(healthy))["delivered"]!);
        }
        finally
        {
            _receiver.Hang("silent", false);
        }
    }

    [Fact]
    public async Task A_change_to_a_subscription_whose_receiver_hangs_interrupts_the_delivery_in_flight_instead_of_waiting_for_it()
    {
        var assets = WebhookTestClient.GasAssets("taiyuan")[56..57];
        _receiver.Hang("frozen", true);
        try
        {
            var (id, _) = await _api.SubscribeAsync(new { url = _receiver.UrlOf("frozen"), events = new[] { "alarm.raised" }, node = "taiyuan" });
            await _api.GasAsync(assets, 60);
            await Eventually.Until(() => Task.FromResult(_receiver.HangingAt("frozen")), n => n >= 1, Deadline, "a delivery hanging at the receiver");

            var paused = await _api.PatchAsync(id, """{"state":"paused"}""");
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
            // Interrupted, not timed out: had the change waited for the delivery timeout, the attempt would count as failed.
            var delivery = await _api.DeliveryOf(id);
            Assert.Equal((0L, 0L), ((long)delivery["delivered"]!, (long)delivery["failed"]!));
            Assert.Equal(HttpStatusCode.NoContent, (await _api.Http.DeleteAsync($"/api/v1/subscriptions/{id}")).StatusCode);
        }
        finally
        {
            _receiver.Hang("frozen", false);
        }
    }

    [Fact]
    public async Task After_a_secret_rotation_deliveries_carry_both_signatures_and_a_paused_subscription_delivers_its_backlog_on_resume()
    {
        var assets = WebhookTestClient.GasAssets("taiyuan")[53..56];
        var (id, oldSecret) = await _api.SubscribeAsync(new { url = _receiver.UrlOf("rotated"), events = new[] { "alarm.raised" }, node = "taiyuan" });
        var rotation = await _api.Http.PostAsync($"/api/v1/subscriptions/{id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        var rotated = await GatewayFixture.ReadJson(rotation);
        var newSecret = (string)rotated["secret"]!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.True(DateTimeOffset.Parse((string)rotated["previousSecretValidUntil"]!) > DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.OK, (await _api.PatchAsync(id, """{"state":"paused"}""")).StatusCode);
        await _api.GasAsync(assets, 60);
        var paused = await Eventually.Until(() => _api.GetAsync(id), s => (long)s["delivery"]!["pending"]! >= 3, Deadline, "three events waiting while paused");
        Assert.Equal("paused", (string)paused["state"]!);
        Assert.Empty(_receiver.At("rotated"));

        Assert.Equal(HttpStatusCode.OK, (await _api.PatchAsync(id, """{"state":"active"}""")).StatusCode);
        var delivered = await DeliveredAsync("rotated", 3, "the backlog after resuming");
        Assert.All(delivered, d =>
        {
            Assert.Equal(2, d.Signature.Split(' ').Length);
            Assert.True(d.VerifiesWith(newSecret));
            Assert.True(d.VerifiesWith(oldSecret));
        });
    }

    [Fact]
    public async Task A_district_going_into_alarm_and_back_is_announced_as_node_status_with_its_assets_by_status()
    {
        var asset = WebhookTestClient.GasAssets("linfen")[0];
        var district = WebhookTestClient.DistrictOf(asset);
        var (_, secret) = await _api.SubscribeAsync(new { url = _receiver.UrlOf("nodes"), events = new[] { "node.*" }, node = district, minLevel = "alarm" });

        await _api.GasAsync([asset], 60);
        var raised = await Eventually.Until(() => Task.FromResult(Delivered("nodes")), d => d.Any(e => (string?)e.Json["data"]!["status"] == "alarm"),
            Deadline, "the district's alarm announced");
        await _api.GasAsync([asset], 0);
        var all = await Eventually.Until(() => Task.FromResult(Delivered("nodes")), d => (string?)d[^1].Json["data"]!["status"] != "alarm",
            Deadline, "the district back from alarm");

        Assert.All(all, d => Assert.Equal("node.status", d.Type));
        Assert.All(all, d => Assert.True(d.VerifiesWith(secret)));
        Assert.All(all, d => Assert.Equal(district, (string)d.Json["data"]!["nodeId"]!)); // its city's changes are above the filter's node
        var alarm = all.Single(d => (string?)d.Json["data"]!["status"] == "alarm").Json["data"]!;
        Assert.Null(alarm["assetId"]);
        Assert.True((int)alarm["assets"]!["alarm"]! >= 1);
        Assert.Equal("alarm", (string?)all[^1].Json["data"]!["previousStatus"]);
    }
}
