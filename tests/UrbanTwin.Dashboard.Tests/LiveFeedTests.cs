using static Microsoft.Playwright.Assertions;

namespace UrbanTwin.Dashboard.Tests;

/// <summary>The page as a newcomer sees it: the README's gateway with its built-in feed; the alarm list moves by itself.</summary>
public sealed class LiveFeedTests(FeedDashboardFixture dashboard) : IClassFixture<FeedDashboardFixture>
{
    [Fact]
    public async Task With_the_built_in_feed_the_alarm_list_fills_without_a_reload()
    {
        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/");
        // A cold gateway's first view (its code still compiling, the feed running) may take longer than the default 5 s.
        await Expect(page.Locator("#children a.row[data-node-id]")).ToHaveCountAsync(11, new() { Timeout = 30_000 });
        await Expect(page.Locator("#alarm-list li[data-alarm-id]").First).ToBeVisibleAsync(new() { Timeout = 90_000 });
        var first = await page.Locator("#alarm-list li[data-alarm-id]").First.GetAttributeAsync("data-alarm-id");
        // It keeps moving: another alarm (or a state change) arrives after the first one.
        await page.WaitForFunctionAsync(
            "first => { const items = [...document.querySelectorAll('#alarm-list li[data-alarm-id]')]; return items.length > 1 || items[0]?.dataset.alarmId !== first || items[0]?.dataset.state !== 'active'; }",
            first, new() { Timeout = 90_000 });
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }
}
