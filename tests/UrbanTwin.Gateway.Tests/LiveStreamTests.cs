using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UrbanTwin.Gateway.Alarms;
using Xunit.Abstractions;
using UrbanTwin.Gateway.Live;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Simulator.Live;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class LiveStreamTests(GatewayFixture gateway, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = gateway.CreateClient();

    [Fact]
    public async Task A_stream_on_a_district_starts_with_a_snapshot_then_delivers_its_change_and_the_alarm()
    {
        const string district = "linfen-xiangfen";
        using var cts = new CancellationTokenSource(Deadline);
        await using var stream = await SseReader.OpenAsync(_http, $"/api/v1/nodes/{district}/stream", cts.Token);
        var snapshot = await stream.NextAsync("snapshot", cts.Token);
        Assert.Equal(district, (string?)snapshot["node"]!["id"]);
        var alarmsBefore = (int)snapshot["node"]!["activeAlarms"]!["alarm"]!;

        var posted = Stopwatch.StartNew();
        await Post($"{district}-gas-001", 61);
        // Pushed as they happen: the alarm event usually comes first (at once), the district's count just after.
        var (change, raised) = await stream.BothAsync(
            ("node", n => (string?)n["id"] == district && (int)n["activeAlarms"]!["alarm"]! == alarmsBefore + 1),
            ("alarm", a => (string?)a["alarm"]!["assetId"] == $"{district}-gas-001"), cts.Token);
        output.WriteLine($"change and alarm delivered {posted.ElapsedMilliseconds} ms after the POST returned");
        Assert.Equal("alarm", (string?)change["status"]);
        Assert.Equal("raised", (string?)raised["type"]);
        Assert.Equal(district, (string?)raised["alarm"]!["path"]![0]);
    }

    [Fact]
    public async Task Two_hundred_clients_on_one_city_each_get_the_snapshot_and_the_change_from_one_shared_watcher()
    {
        const string city = "shuozhou";
        const string district = "shuozhou-shanyin";
        var hub = gateway.Services.GetRequiredService<LiveHub>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var streams = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => SseReader.OpenAsync(_http, $"/api/v1/nodes/{city}/stream", cts.Token)));
        try
        {
            var snapshots = await Task.WhenAll(streams.Select(s => s.NextAsync("snapshot", cts.Token)));
            Assert.All(snapshots, s => Assert.Contains(s["children"]!.AsArray(), c => (string?)c!["id"] == district));
            Assert.True(hub.Clients >= 200, $"{hub.Clients} clients");
            var before = (int)snapshots[0]["children"]!.AsArray().First(c => (string?)c!["id"] == district)!["activeAlarms"]!["alarm"]!;

            await Post($"{district}-gas-001", 62);
            await Task.WhenAll(streams.Select(s => s.NextAsync("node", cts.Token,
                n => (string?)n["id"] == district && (int)n["activeAlarms"]!["alarm"]! == before + 1)));
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
        await Eventually.Until(() => Task.FromResult(hub.Clients), n => n == 0, Deadline, "every client gone once the streams closed");
    }

    [Fact]
    public async Task An_idle_stream_gets_heartbeats_and_an_unknown_node_is_a_404()
    {
        using var cts = new CancellationTokenSource(Deadline);
        await using var stream = await SseReader.OpenAsync(_http, "/api/v1/nodes/linfen-jixian/stream", cts.Token);
        await stream.NextAsync("snapshot", cts.Token);
        await stream.NextAsync("heartbeat", cts.Token);

        var unknown = await _http.GetAsync("/api/v1/nodes/atlantis/stream");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_client_that_reconnects_with_Last_Event_ID_first_gets_the_alarm_events_it_missed()
    {
        const string district = "linfen-hongtong";
        using var cts = new CancellationTokenSource(Deadline);
        string lastSeen;
        await using (var first = await SseReader.OpenAsync(_http, $"/api/v1/nodes/{district}/stream", cts.Token))
        {
            await first.NextAsync("snapshot", cts.Token);
            lastSeen = first.LastEventId!;
        }

        await Post($"{district}-gas-001", 64); // raised while the client was away
        await Post($"{district}-gas-001", 2); // and cleared

        await using var again = await SseReader.OpenAsync(_http, $"/api/v1/nodes/{district}/stream", cts.Token, lastSeen);
        await again.NextAsync("snapshot", cts.Token);
        var raised = await again.NextAsync("alarm", cts.Token, a => (string?)a["alarm"]!["assetId"] == $"{district}-gas-001");
        Assert.Equal(("raised", "raised"), ((string?)raised["type"], (string?)raised["transition"]));
        var cleared = await again.NextAsync("alarm", cts.Token, a => (string?)a["alarm"]!["assetId"] == $"{district}-gas-001");
        Assert.Equal("cleared", (string?)cleared["type"]);
        Assert.Equal((string?)raised["alarm"]!["id"], (string?)cleared["alarm"]!["id"]);
        Assert.NotEqual((string?)raised["id"], (string?)cleared["id"]);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-5")]
    [InlineData("99999999999999999999")]
    public async Task A_Last_Event_ID_that_is_no_event_id_is_a_400_naming_it(string lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nodes/taiyuan/stream");
        request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Last-Event-ID", (string?)(await ReadJson(response))["detail"]);
    }

    [Fact]
    public async Task An_idle_stream_costs_the_watched_node_no_calls_but_its_renewal()
    {
        const string district = "linfen-jixian";
        var calls = gateway.Services.GetRequiredService<GrainCallCounter>();
        using var cts = new CancellationTokenSource(Deadline);
        await using var stream = await SseReader.OpenAsync(_http, $"/api/v1/nodes/{district}/stream", cts.Token);
        await stream.NextAsync("snapshot", cts.Token);

        var before = calls.To(district);
        for (var i = 0; i < 3; i++)
        {
            await stream.NextAsync("heartbeat", cts.Token); // Live:Heartbeat is 1 s here: three idle seconds
        }
        var during = calls.To(district).Where(c => !before.Contains(c)).ToArray();
        Assert.All(during, c => Assert.EndsWith(".Watch", c.Method)); // at most the renewal (every 10 s), nothing polled
        Assert.True(during.Length <= 1, string.Join(", ", during.Select(c => c.Method)));
    }

    [Fact]
    public async Task A_client_that_never_reads_holds_a_bounded_backlog_and_does_not_hold_up_the_others()
    {
        const string district = "linfen-puxian";
        using var cts = new CancellationTokenSource(Deadline);
        using var silent = await _http.GetAsync($"/api/v1/nodes/{district}/stream", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, silent.StatusCode); // and never read from
        await using var reader = await SseReader.OpenAsync(_http, $"/api/v1/nodes/{district}/stream", cts.Token);
        await reader.NextAsync("snapshot", cts.Token);
        for (var i = 0; i < 20; i++)
        {
            await Post($"{district}-gas-001", i % 2 == 0 ? 70 : 3);
        }
        await Post($"{district}-gas-001", 71);
        await reader.NextAsync("node", cts.Token, n => (string?)n["id"] == district && (string?)n["status"] == "alarm");
    }

    [Fact]
    public void Node_changes_coalesce_per_node_and_a_client_too_far_behind_on_alarms_is_dropped()
    {
        var client = new LiveSubscription(maxPendingAlarms: 10);
        var dropped = false;
        client.OnDropped(() => dropped = true);
        var view = NodeOf("x");
        for (var i = 0; i < 1000; i++)
        {
            client.Publish(view with { AsOf = DateTimeOffset.UnixEpoch.AddSeconds(i) });
        }
        Assert.Equal(1, client.Pending); // latest wins: one pending update, not a thousand
        for (var i = 0; i < 10; i++)
        {
            client.Publish(new AlarmEvent($"e{i}", "raised", "raised", AlarmOf(i)));
        }
        Assert.False(client.Dropped);
        client.Publish(new AlarmEvent("e10", "raised", "raised", AlarmOf(10)));
        Assert.True(client.Dropped);
        Assert.True(dropped);
        Assert.Equal(0, client.Pending); // nothing kept for a client that is gone
    }

    private async Task Post(string assetId, double lel)
    {
        var ts = NextTs();
        var response = await _http.PostAsync("/api/v1/telemetry",
            new StringContent($$$"""[{"assetId":"{{{assetId}}}","ts":"{{{ts}}}","metrics":{"gasLel":{{{lel}}}}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static readonly Lock TsGate = new();
    private static DateTimeOffset _ts = DateTimeOffset.UtcNow.AddMinutes(-4);

    private static string NextTs()
    {
        lock (TsGate)
        {
            _ts = _ts.AddMilliseconds(100);
            return _ts.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        }
    }


    private static NodeView NodeOf(string id) => new(id, Contracts.Topology.NodeKind.District, id, null, null, null, 0, null, "normal", [], [], [],
        new AssetCountsView(0, new StatusCountsView(0, 0, 0, 0), []), new AlarmCountsView(0, 0, 0), [], null, DateTimeOffset.UnixEpoch);

    private static AlarmView AlarmOf(int n) => new($"a:gasLel:{n}", "a", "x", ["x"], "gasLel", Contracts.Assets.AlarmLevel.Warning,
        Contracts.Assets.AlarmLevel.Warning, 30, DateTimeOffset.UnixEpoch, Contracts.Alarms.AlarmState.Active, null, null, null, null, null, "\"0\"");
}
