using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UrbanTwin.Dashboard.Tests;

/// <summary>
/// While a silo fails over, the gateway answers from the last state it saw, marked <c>"stale": true</c> with an
/// <c>Age</c> header. The page must say so, with the age, and recover by itself once answers are fresh again. The
/// stale answers are the gateway's real ones, marked as a failing-over gateway marks them (a real failover needs a
/// cluster of processes: tests/UrbanTwin.Cluster.Tests/ReadAvailabilityTests).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class StaleViewTests(DashboardFixture dashboard)
{
    [Fact]
    public async Task A_stale_answer_is_shown_with_its_age_and_the_view_recovers_by_itself()
    {
        var (page, errors) = await dashboard.NewPageAsync();
        var failingOver = true;
        await page.RouteAsync("**/api/v1/nodes/yangquan", async route =>
        {
            if (!failingOver)
            {
                await route.ContinueAsync();
                return;
            }
            var real = await route.FetchAsync();
            var body = JsonNode.Parse(await real.TextAsync())!.AsObject();
            body["stale"] = true;
            var headers = new Dictionary<string, string>(real.Headers) { ["age"] = "7" };
            await route.FulfillAsync(new RouteFulfillOptions { Status = real.Status, Headers = headers, Body = body.ToJsonString() });
        });

        await page.GotoAsync(dashboard.BaseUrl + "/#/nodes/yangquan");
        var notice = page.Locator("#stale");
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("7 s old");
        await Expect(page.Locator("#children a.row[data-node-id='yangquan-chengqu']")).ToBeVisibleAsync(); // the last known state is shown

        failingOver = false;
        await Expect(notice).ToBeHiddenAsync(new() { Timeout = 15_000 }); // drawn again by itself, fresh
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }
}
