using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;

namespace UrbanTwin.Gateway.Tests.HostileInput;

/// <summary>
/// A gateway of its own for the hostile-input tests, so that nothing else writes while they compare snapshots,
/// and in which nothing changes with the passing of time (no asset goes offline). Before the tests: one asset has
/// a latest reading with a sequence number (for the stale and duplicate cases) and one alarm is active (for the
/// acknowledgement cases).
/// </summary>
public sealed class HostileInputFixture : GatewayFixture
{
    public const string Asset = "taiyuan-xiaodian-gas-001";
    public const string Tunnel = "taiyuan-xiaodian-tunnel-001";
    public const string AlarmAsset = "taiyuan-xiaodian-gas-002";
    public const long LatestSeq = 100;

    /// <summary>Roll-ups here publish every 50 ms, so four levels take well under this.</summary>
    public static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(1);

    public DateTimeOffset LatestTs { get; } = DateTimeOffset.UtcNow.AddMinutes(-2);
    public string AlarmId { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Rollup:OfflineAfterIntervals", "100000");
        builder.UseSetting("Ingest:MaxLineBytes", "4096");
        builder.UseSetting("Ingest:MaxJsonDepth", "6"); // every valid document is at most 5 deep
        builder.UseSetting("Rollup:PublishInterval", "00:00:00.050");
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var http = CreateClient();
        await PostAsync(http, $$$"""[{"assetId":"{{{Asset}}}","ts":"{{{LatestTs:O}}}","seq":{{{LatestSeq}}},"metrics":{"gasLel":12.5,"pressure":0.3}}]""");
        await PostAsync(http, $$$"""[{"assetId":"{{{AlarmAsset}}}","ts":"{{{LatestTs:O}}}","metrics":{"gasLel":60}}]""");
        var alarms = await Eventually.Until(async () => (await ReadJson(await http.GetAsync("/api/v1/alarms?node=taiyuan-xiaodian&state=active")))["items"]!.AsArray(),
            items => items.Count > 0, TimeSpan.FromSeconds(30), "the alarm the acknowledgement cases use");
        AlarmId = (string)alarms[0]!["id"]!;
    }

    private static async Task PostAsync(HttpClient http, string body)
    {
        var response = await http.PostAsync("/api/v1/telemetry", new StringContent(body, Encoding.UTF8, "application/json"));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"setting up the hostile-input fixture: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HostileInputCollection : ICollectionFixture<HostileInputFixture>
{
    public const string Name = "hostile input";
}
