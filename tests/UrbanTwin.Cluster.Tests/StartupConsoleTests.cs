using UrbanTwin.Cluster.Tests.Harness;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// What a newcomer sees after <c>dotnet run --project src/UrbanTwin.Gateway</c>: a few lines, among them the banner
/// saying the mode, that the API is open, and where the dashboard, the API reference and the metrics are; not a
/// line per grain placed (Orleans and Polly log at Warning).
/// </summary>
public sealed class StartupConsoleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_embedded_gateway_says_where_everything_is_in_a_few_lines_while_its_feed_runs()
    {
        var directory = Path.Combine(Path.GetTempPath(), "urbantwin-console-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        await using var gateway = await LocalCluster.StartEmbeddedGatewayAsync(directory, new Dictionary<string, string>(), output);
        using var http = new HttpClient { BaseAddress = gateway.Url };

        // The built-in feed (300 readings/s) has run for 10 s: thousands of grain calls, every asset placed.
        await Eventually.Until(async () => (await PrometheusScrape.TakeAsync(http)).Sum("urbantwin_telemetry_items_total"), n => n >= 3000,
            TimeSpan.FromSeconds(60), "3000 readings from the built-in feed");
        var lines = await File.ReadAllLinesAsync(gateway.Process.LogPath);
        output.WriteLine(string.Join(Environment.NewLine, lines));

        var url = gateway.Url.ToString().TrimEnd('/');
        Assert.Contains(lines, l => l.Contains("UrbanTwin gateway ready: embedded mode", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("THE API IS OPEN", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"dashboard   {url}/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"{url}/docs", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"{url}/metrics", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("seeded 133 nodes and 4139 assets", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("webhooks    may target loopback and private addresses", StringComparison.Ordinal));
        Assert.True(lines.Length < 40, $"{lines.Length} lines on the console");
    }
}
