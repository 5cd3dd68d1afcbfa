using System.Net;
using System.Text;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests;

/// <summary>Per-key limits: requests per second (429 with Retry-After) and concurrent live streams.</summary>
[Collection(KeysGatewayCollection.Name)]
public class LimitsTests(KeysGatewayFixture gateway)
{
    [Fact]
    public async Task A_key_named_open_is_limited_like_any_key_not_passed_off_as_open_modes_caller()
    {
        using var named = gateway.ClientFor("open");
        var statuses = new List<HttpStatusCode>();
        while (statuses.Count < 50 && !statuses.Contains(HttpStatusCode.TooManyRequests))
        {
            statuses.Add((await named.GetAsync("/api/v1/nodes/jinzhong")).StatusCode);
        }
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_Retry_After_and_its_request_is_not_applied_while_other_keys_go_on()
    {
        using var throttled = gateway.ClientFor("throttled");
        using var other = gateway.ClientFor("reader");
        const string asset = "jinzhong-yuci-gas-001";
        HttpResponseMessage? refused = null;
        var sent = 0;
        // The bucket holds ThrottledBurst requests and refills at one a second: a quick run of requests meets a 429.
        while (refused is null && sent < 50)
        {
            var response = await throttled.GetAsync("/api/v1/nodes/jinzhong");
            sent++;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        Assert.NotNull(refused);
        Assert.InRange(sent, KeysGatewayFixture.ThrottledBurst + 1, 50);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'throttled'", (string?)(await ReadJson(refused))["detail"]);

        var before = await (await other.GetAsync($"/api/v1/assets/{asset}")).Content.ReadAsStringAsync();
        var write = await throttled.PostAsync("/api/v1/telemetry", new StringContent(
            $$$"""[{"assetId":"{{{asset}}}","ts":"{{{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}}}","metrics":{"gasLel":33}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.TooManyRequests, write.StatusCode);
        Assert.Equal(before, await (await other.GetAsync($"/api/v1/assets/{asset}")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/nodes/jinzhong")).StatusCode);
    }

    [Fact]
    public async Task A_key_may_hold_a_limited_number_of_live_streams_and_gets_one_back_when_it_closes_one()
    {
        using var http = gateway.ClientFor("streamer");
        var open = new List<HttpResponseMessage>();
        for (var i = 0; i < KeysGatewayFixture.MaxStreamsPerKey; i++)
        {
            var stream = await http.GetAsync("/api/v1/nodes/taiyuan/stream", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            open.Add(stream);
        }
        var refused = await http.GetAsync("/api/v1/nodes/taiyuan/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Live:MaxStreamsPerKey", (string?)(await ReadJson(refused))["detail"]);
        // Another key is not affected.
        using var other = gateway.ClientFor("reader");
        using (var theirs = await other.GetAsync("/api/v1/nodes/taiyuan/stream", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, theirs.StatusCode);
        }

        open[0].Dispose(); // the client goes away; the server notices and frees the slot
        var again = await Eventually.Until(async () =>
        {
            var response = await http.GetAsync("/api/v1/nodes/taiyuan/stream", HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                response.Dispose();
            }
            return response;
        }, r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "a stream slot freed by closing one");
        again.Dispose();
        foreach (var stream in open)
        {
            stream.Dispose();
        }
    }
}
