using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UrbanTwin.Dashboard.Tests;

/// <summary>The webhooks page as an operator uses it: a failing subscription's state and dead letters, replay, pause.</summary>
[Collection(DashboardCollection.Name)]
public sealed class WebhooksPageTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    private const string Asset = "datong-pingcheng-gas-003";

    private async Task<JsonArray> DeadLettersAsync(string id) =>
        JsonNode.Parse(await dashboard.Http.GetStringAsync($"/api/v1/subscriptions/{id}/dead-letters"))!["items"]!.AsArray();

    [Fact]
    public async Task A_subscription_whose_receiver_is_down_shows_its_dead_letter_which_can_be_replayed_and_the_subscription_paused()
    {
        // A closed port: every delivery is refused, and with one quick retry the event is dead-lettered at once.
        var created = await dashboard.Http.PostAsJsonAsync("/api/v1/subscriptions",
            new { url = $"http://127.0.0.1:{Ports.Free()}/hook", events = new[] { "alarm.raised" }, node = "datong", description = "dispatch desk" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["subscription"]!["id"]!;
        var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var posted = await dashboard.Http.PostAsync("/api/v1/telemetry",
            new StringContent($$$"""[{"assetId":"{{{Asset}}}","ts":"{{{ts}}}","metrics":{"gasLel":70}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        await Eventually.Until(() => DeadLettersAsync(id), items => items.Count == 1, TimeSpan.FromSeconds(30), "a dead letter");

        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/#/webhooks");
        var row = page.Locator($"#subscriptions tr[data-subscription-id='{id}']");
        await Expect(row).ToHaveAttributeAsync("data-state", "active");
        await Expect(row.Locator(".dead-lettered")).ToHaveTextAsync("1");
        await Expect(row.Locator(".last-error")).ToContainTextAsync("refused");

        await row.Locator("button[data-action='letters']").ClickAsync();
        var letter = page.Locator($"#subscriptions tr[data-letters-of='{id}'] li[data-event-id]");
        await Expect(letter).ToContainTextAsync(Asset);
        await Expect(letter).ToContainTextAsync("2 attempts");
        var path = Path.Combine(dashboard.Artifacts, "webhooks.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");

        // Replay: the receiver is still down, so the letter comes back with one more attempt.
        await row.Locator("button[data-action='replay']").ClickAsync();
        await Eventually.Until(() => DeadLettersAsync(id), items => items.Count == 1 && (int)items[0]!["attempts"]! == 3, TimeSpan.FromSeconds(30), "the replayed letter back");

        await page.Locator($"#subscriptions tr[data-subscription-id='{id}'] button[data-action='pause']").ClickAsync();
        await Expect(page.Locator($"#subscriptions tr[data-subscription-id='{id}']")).ToHaveAttributeAsync("data-state", "paused");
        Assert.Equal("paused", (string)JsonNode.Parse(await dashboard.Http.GetStringAsync($"/api/v1/subscriptions/{id}"))!["state"]!);
        await dashboard.Http.DeleteAsync($"/api/v1/subscriptions/{id}");
        // The browser logs the failed fetches of nothing here; the page itself must log no error.
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }
}
