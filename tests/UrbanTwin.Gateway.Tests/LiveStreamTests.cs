using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UrbanTwin.Gateway.Alarms;
using Xunit.Abstractions;
using UrbanTwin.Gateway.Live;
using UrbanTwin.Gateway.Nodes;
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
        await using var stream = await SseStream.OpenAsync(_http, $"/api/v1/nodes/{district}/stream", cts.Token);
        var snapshot = await stream.NextAsync("snapshot", cts.Token);
        Assert.Equal(district, (string?)snapshot["node"]!["id"]);
        var alarmsBefore = (int)snapshot["node"]!["activeAlarms"]!["alarm"]!;

        var posted = Stopwatch.StartNew();
        await Post($"{district}-gas-001", 61);
        var change = await stream.NextAsync("node", cts.Token, n => (string?)n["id"] == district && (int)n["activeAlarms"]!["alarm"]! == alarmsBefore + 1);
        output.WriteLine($"change delivered {posted.ElapsedMilliseconds} ms after the POST returned");
        Assert.Equal("alarm", (string?)change["status"]);
        var raised = await stream.NextAsync("alarm", cts.Token, a => (string?)a["alarm"]!["assetId"] == $"{district}-gas-001");
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
        var streams = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => SseStream.OpenAsync(_http, $"/api/v1/nodes/{city}/stream", cts.Token)));
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
        await using var stream = await SseStream.OpenAsync(_http, "/api/v1/nodes/linfen-jixian/stream", cts.Token);
        await stream.NextAsync("snapshot", cts.Token);
        await stream.NextAsync(SseStream.Heartbeat, cts.Token);

        var unknown = await _http.GetAsync("/api/v1/nodes/atlantis/stream");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_client_that_never_reads_holds_a_bounded_backlog_and_does_not_hold_up_the_others()
    {
        const string district = "linfen-puxian";
        using var cts = new CancellationTokenSource(Deadline);
        using var silent = await _http.GetAsync($"/api/v1/nodes/{district}/stream", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, silent.StatusCode); // and never read from
        await using var reader = await SseStream.OpenAsync(_http, $"/api/v1/nodes/{district}/stream", cts.Token);
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
            client.Publish(new AlarmEvent("raised", AlarmOf(i)));
        }
        Assert.False(client.Dropped);
        client.Publish(new AlarmEvent("raised", AlarmOf(10)));
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

/// <summary>A minimal server-sent-events reader: events by name, comments as <see cref="Heartbeat"/>.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    public const string Heartbeat = "(comment)";
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public static async Task<SseStream> OpenAsync(HttpClient http, string path, CancellationToken ct)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseStream(response, await response.Content.ReadAsStreamAsync(ct));
    }

    /// <summary>The next event called <paramref name="name"/> whose data matches; others are skipped.</summary>
    public async Task<JsonNode> NextAsync(string name, CancellationToken ct, Func<JsonNode, bool>? match = null)
    {
        while (true)
        {
            var (ev, data) = await ReadEventAsync(ct);
            if (ev != name)
            {
                continue;
            }
            var json = ev == Heartbeat ? new JsonObject() : JsonNode.Parse(data)!;
            if (match is null || match(json))
            {
                return json;
            }
        }
    }

    private async Task<(string Event, string Data)> ReadEventAsync(CancellationToken ct)
    {
        string? ev = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("the stream ended");
            if (line.Length == 0)
            {
                if (ev is not null || data.Length > 0)
                {
                    return (ev ?? "message", data.ToString());
                }
            }
            else if (line.StartsWith(':'))
            {
                return (Heartbeat, line);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                ev = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
