using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UrbanTwin.Dashboard.Tests;

/// <summary>A gateway that requires keys, with an operator key for Taiyuan only.</summary>
public sealed class KeysDashboardFixture : DashboardFixture
{
    public LocalApiKey TaiyuanOperator { get; } = new("ty-duty-desk", "operator", "taiyuan");

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Auth__Mode"] = "keys";
        TaiyuanOperator.AddTo(settings);
    }
}

/// <summary>The dashboard against a gateway in keys mode: sign in with a key, land in its scope, sign out.</summary>
public sealed class SignInTests(KeysDashboardFixture dashboard) : IClassFixture<KeysDashboardFixture>
{
    [Fact]
    public async Task A_scoped_operator_signs_in_lands_on_their_city_streams_live_and_signs_out()
    {
        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/");
        var form = page.Locator("form.sign-in");
        await Expect(form).ToBeVisibleAsync();

        await page.FillAsync("#api-key", "not-the-key");
        await page.ClickAsync("form.sign-in button[type=submit]");
        await Expect(form.Locator("[role=alert]")).ToHaveTextAsync("This key is not known.");

        await page.FillAsync("#api-key", dashboard.TaiyuanOperator.Key);
        await page.ClickAsync("form.sign-in button[type=submit]");
        // The first view after signing in, on a gateway that may still be cold: more than the default 5 s is allowed.
        await Expect(page.Locator("#view")).ToHaveAttributeAsync("data-ready", "#/nodes/taiyuan", new() { Timeout = 30_000 });
        await Expect(page.Locator("#who")).ToHaveTextAsync("ty-duty-desk (operator)");
        await Expect(page.Locator("#crumbs")).ToHaveTextAsync("Taiyuan"); // the trail starts at the key's scope
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "open"); // the stream carries the cookie
        // The key is in an HttpOnly cookie: the page's scripts cannot read it.
        Assert.DoesNotContain(dashboard.TaiyuanOperator.Key, await page.EvaluateAsync<string>("() => document.cookie"));

        await page.GotoAsync(dashboard.BaseUrl + "/#/nodes/datong");
        await Expect(page.Locator("#view [role=alert]")).ToContainTextAsync("scoped to taiyuan");

        await page.ClickAsync("#sign-out");
        await Expect(form).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.Locator("form.sign-in")).ToBeVisibleAsync();
        var pageErrors = errors.Where(e => !e.StartsWith("Failed to load resource: ", StringComparison.Ordinal) && !e.Contains("EventSource", StringComparison.Ordinal)).ToList();
        Assert.True(pageErrors.Count == 0, "errors from the page: " + string.Join(" | ", pageErrors));
    }
}
