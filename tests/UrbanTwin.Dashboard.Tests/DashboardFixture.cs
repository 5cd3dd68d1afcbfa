using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace UrbanTwin.Dashboard.Tests;

/// <summary>
/// One real gateway process (embedded mode, Shanxi seeded, built-in feed off so the tests decide what changes) and
/// one headless Chromium, the Debian package's, for all dashboard tests. Every request a page makes is recorded,
/// to prove nothing is fetched from another host.
/// </summary>
public class DashboardFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "urbantwin-dashboard-" + Guid.NewGuid().ToString("N")[..8]);
    private ServiceProcess? _gateway;
    private Dictionary<string, string> _settings = [];
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public ConcurrentBag<string> RequestedUrls { get; } = [];

    /// <summary>Where screenshots go: the test output folder (a CI artifact).</summary>
    public string Artifacts { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing; the dashboard tests need it (apt-get install -y chromium fonts-noto-cjk; deploy/test.sh does this).");
        }
        Directory.CreateDirectory(_directory);
        Directory.CreateDirectory(Artifacts);
        var port = Ports.Free();
        BaseUrl = $"http://127.0.0.1:{port}";
        var settings = new Dictionary<string, string>
        {
            ["Urls"] = BaseUrl,
            ["Simulation__Enabled"] = "false",
            ["Orleans__SiloPort"] = Ports.Free().ToString(),
            ["Mqtt__Port"] = Ports.Free().ToString(),
            ["Orleans__GatewayPort"] = Ports.Free().ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
            // One quick retry: a webhook to a closed port is dead-lettered within a second (WebhooksPageTests).
            ["Webhooks__RetrySchedule__0"] = "00:00:00.050",
            ["Webhooks__PollInterval"] = "00:00:00.050",
        };
        Configure(settings);
        _settings = settings;
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        await StartGatewayAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu"],
        });
    }

    /// <summary>Kills the gateway and starts it again on the same address (a crashed or redeployed gateway).</summary>
    public async Task RestartGatewayAsync()
    {
        _gateway!.Kill();
        await _gateway.DisposeAsync();
        await StartGatewayAsync();
    }

    private async Task StartGatewayAsync()
    {
        _gateway = ServiceProcess.Start("gateway", "dotnet", [Binaries.Gateway], _settings, Path.Combine(_directory, "gateway.log"));
        await Eventually.Until(async () =>
        {
            try
            {
                return (await Http.GetAsync("/health/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return !_gateway.HasExited && false;
            }
        }, ok => ok || _gateway.HasExited, TimeSpan.FromSeconds(120), "the gateway ready");
        if (_gateway.HasExited)
        {
            throw new InvalidOperationException("The gateway exited: " + _gateway.LogTail());
        }
    }

    /// <summary>Gateway settings (environment variables) a derived fixture changes.</summary>
    protected virtual void Configure(Dictionary<string, string> settings)
    {
    }

    /// <summary>A fresh page at a wall-display size, recording console errors and every URL it requests.</summary>
    public async Task<(IPage Page, List<string> ConsoleErrors)> NewPageAsync(string language = "en")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 }, Locale = "en-GB" });
        await context.AddInitScriptAsync($"localStorage.setItem('ut.language', '{language}');");
        // Uncaught errors with their stack, so a failure says where it came from.
        await context.AddInitScriptAsync("window.addEventListener('error', e => console.error('uncaught: ' + (e.error?.stack ?? e.message)));" +
            "window.addEventListener('unhandledrejection', e => console.error('unhandled rejection: ' + (e.reason?.stack ?? e.reason)));");
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        page.Request += (_, request) => RequestedUrls.Add(request.Url);
        return (page, errors);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        Http?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}

/// <summary>The gateway as the README runs it: the built-in feed on (with frequent incidents, to keep the test short).</summary>
public sealed class FeedDashboardFixture : DashboardFixture
{
    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Simulation__Enabled"] = "true";
        settings["Simulation__IncidentEverySeconds"] = "1";
    }
}
