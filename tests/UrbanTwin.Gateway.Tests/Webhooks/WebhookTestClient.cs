using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Demo;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Gateway.Tests.Webhooks;

/// <summary>What the webhook tests do through the API: subscribe, read a subscription, and raise or clear gas alarms by telemetry.</summary>
public sealed class WebhookTestClient(HttpClient http)
{
    private static readonly Lock Gate = new();
    private static DateTimeOffset _lastTs = DateTimeOffset.UtcNow.AddMinutes(-30);

    /// <summary>Gas pipelines of the demo data, by city prefix of their district.</summary>
    public static string[] GasAssets(string city) => [.. AssetPlan.For(ReferenceTopology.Load())
        .Where(a => a.Kind == AssetCatalog.GasPipeline && a.NodeId.StartsWith(city + "-", StringComparison.Ordinal))
        .Select(a => a.Id)];

    public static string DistrictOf(string asset) => AssetPlan.For(ReferenceTopology.Load()).Single(a => a.Id == asset).NodeId;

    public HttpClient Http => http;

    public async Task<(string Id, string Secret)> SubscribeAsync(object request)
    {
        var response = await http.PostAsJsonAsync("/api/v1/subscriptions", request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await GatewayFixture.ReadJson(response);
        return ((string)body["subscription"]!["id"]!, (string)body["secret"]!);
    }

    public async Task<JsonNode> GetAsync(string id)
    {
        var response = await http.GetAsync($"/api/v1/subscriptions/{id}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await GatewayFixture.ReadJson(response);
    }

    public Task<JsonNode> DeliveryOf(string id) => GetAsync(id).ContinueWith(t => t.Result["delivery"]!);

    public async Task<HttpResponseMessage> PatchAsync(string id, string json) =>
        await http.PatchAsync($"/api/v1/subscriptions/{id}", new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Raises (60 % LEL: an alarm) or clears (0 %) a gas alarm on each asset, one batch, each reading newer than any before.</summary>
    public async Task GasAsync(IEnumerable<string> assets, double lel)
    {
        var items = new JsonArray();
        foreach (var asset in assets)
        {
            items.Add(new JsonObject { ["assetId"] = asset, ["ts"] = NextTs(), ["metrics"] = new JsonObject { ["gasLel"] = lel } });
        }
        var response = await http.PostAsync("/api/v1/telemetry", new StringContent(items.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static string NextTs()
    {
        lock (Gate)
        {
            _lastTs = _lastTs.AddMilliseconds(10);
            return _lastTs.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        }
    }
}
