using System.Net;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UrbanTwin.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    private static readonly string[] Cities = ["taiyuan", "jinzhong", "xinzhou", "lvliang", "yangquan", "datong", "shuozhou", "changzhi", "jincheng", "linfen", "yuncheng"];

    [Fact]
    public async Task The_province_view_shows_the_map_and_the_11_cities_by_cluster_without_errors_or_other_hosts()
    {
        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/nodes/shanxi$"));
        await Expect(page.Locator("#children a.row[data-node-id]")).ToHaveCountAsync(11);
        foreach (var city in Cities)
        {
            await Expect(page.Locator($"#children a.row[data-node-id='{city}']")).ToBeVisibleAsync();
        }
        await Expect(page.Locator("#children li.group[data-node-id]")).ToHaveCountAsync(4);
        await Expect(page.Locator("#map canvas")).ToHaveCountAsync(1);
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "open");
        // Status is a word and a shape, not a colour alone.
        await Expect(page.Locator("#children a.row[data-node-id='taiyuan'] .status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[●▲■○] (Normal|Warning|Alarm|Offline)$"));
        await Screenshot(page, "province");

        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
        Assert.All(dashboard.RequestedUrls, url => Assert.True(url.StartsWith(dashboard.BaseUrl, StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal),
            $"{url} is not on this host"));
    }

    [Fact]
    public async Task A_posted_alarm_appears_in_the_list_and_the_city_count_without_a_reload_and_can_be_acknowledged()
    {
        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/#/nodes/shanxi");
        var cityRow = page.Locator("#children a.row[data-node-id='jincheng'] .alarms");
        await Expect(cityRow).ToBeVisibleAsync();
        var before = int.Parse((await cityRow.TextContentAsync())!.Split(' ')[0]);
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;

        await PostAsync("jincheng-zezhou-gas-002", 66);
        var alarm = page.Locator("#alarm-list li[data-alarm-id^='jincheng-zezhou-gas-002:']").First;
        await Expect(alarm).ToBeVisibleAsync(new() { Timeout = 15_000 });
        try
        {
            await Expect(cityRow).ToHaveTextAsync($"{before + 1} ⚠", new() { Timeout = 15_000 });
        }
        catch (PlaywrightException ex)
        {
            // Seen about once in six full runs, never alone: say what the API answered for the row's city then.
            var cluster = await dashboard.Http.GetStringAsync("/api/v1/nodes/jindongnan/children");
            var city = await dashboard.Http.GetStringAsync("/api/v1/nodes/jincheng");
            throw new Xunit.Sdk.XunitException($"{ex.Message}\ncluster's children: {cluster}\ncity: {city}");
        }
        Assert.Equal(0, navigations); // updated in place

        await alarm.Locator("button[data-ack]").ClickAsync();
        await Expect(page.Locator("#alarm-list li[data-alarm-id^='jincheng-zezhou-gas-002:'][data-state='acknowledged']").First).ToBeVisibleAsync();
        var id = await page.Locator("#alarm-list li[data-alarm-id^='jincheng-zezhou-gas-002:']").First.GetAttributeAsync("data-alarm-id");
        var listed = await dashboard.Http.GetStringAsync("/api/v1/alarms?node=jincheng&state=acknowledged");
        Assert.Contains(id!, listed);
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    [Fact]
    public async Task Alarms_in_two_clusters_at_once_both_reach_their_city_rows_on_the_province_view()
    {
        // Both clusters change within the view's 200 ms debounce: each one's cities are read again, not only the last's.
        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/#/nodes/shanxi");
        var datong = page.Locator("#children a.row[data-node-id='datong'] .alarms");
        var yuncheng = page.Locator("#children a.row[data-node-id='yuncheng'] .alarms");
        await Expect(datong).ToBeVisibleAsync();
        var before = (int.Parse((await datong.TextContentAsync())!.Split(' ')[0]), int.Parse((await yuncheng.TextContentAsync())!.Split(' ')[0]));

        var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var response = await dashboard.Http.PostAsync("/api/v1/telemetry", new StringContent($$$"""
            [{"assetId":"datong-pingcheng-gas-002","ts":"{{{ts}}}","metrics":{"gasLel":70}},{"assetId":"yuncheng-yanhu-gas-002","ts":"{{{ts}}}","metrics":{"gasLel":70}}]
            """, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Expect(datong).ToHaveTextAsync($"{before.Item1 + 1} ⚠", new() { Timeout = 15_000 });
        await Expect(yuncheng).ToHaveTextAsync($"{before.Item2 + 1} ⚠", new() { Timeout = 15_000 });
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    [Fact]
    public async Task Drill_down_from_the_province_to_an_asset_and_its_history_then_back()
    {
        await PostAsync("linfen-yaodu-gas-003", 12);
        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/");
        await page.Locator("#children a.row[data-node-id='linfen']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/nodes/linfen$"));
        await Expect(page.Locator("#children a.row[data-node-id='linfen-yaodu']")).ToBeVisibleAsync();
        await Screenshot(page, "city");

        await page.Locator("#children a.row[data-node-id='linfen-yaodu']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/nodes/linfen-yaodu$"));
        await Expect(page.Locator("#assets tr[data-asset-id='linfen-yaodu-gas-003']")).ToBeVisibleAsync();
        // The district's own history: its 10 s samples of the last hour, drawn.
        await Expect(page.Locator("#node-history-chart canvas")).ToHaveCountAsync(1);
        await Expect(page.Locator("#node-history-chart")).Not.ToHaveAttributeAsync("data-points", "0");
        await page.SelectOptionAsync("#filter-kind", "gas-pipeline");
        // Wait for the filtered page to replace the unfiltered one (the old rows are there until it arrives).
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#assets tbody tr td:nth-child(2)')].every(td => td.textContent === 'gas-pipeline')");
        await Expect(page.Locator("#assets tbody tr")).Not.ToHaveCountAsync(0);
        Assert.All(await page.Locator("#assets tbody tr td:nth-child(2)").AllTextContentsAsync(), kind => Assert.Equal("gas-pipeline", kind));
        await Screenshot(page, "district");

        await page.Locator("#assets tr[data-asset-id='linfen-yaodu-gas-003'] a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/assets/linfen-yaodu-gas-003$"));
        await Expect(page.Locator("#asset tr[data-metric='gasLel']")).ToContainTextAsync("12");
        await Expect(page.Locator("#history-chart canvas")).ToHaveCountAsync(1);
        await Expect(page.Locator("#history-chart")).ToHaveAttributeAsync("data-points", "1");
        // Another range asks the API for it, at the range's step.
        var lastDay = page.WaitForRequestAsync(r => r.Url.Contains("/history?metric=gasLel&from=-24h&step=1m"));
        await page.SelectOptionAsync("#history-range", "24h");
        await lastDay;
        await Expect(page.Locator("#history-chart")).ToHaveAttributeAsync("data-points", "1");
        await Screenshot(page, "asset");

        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/nodes/linfen-yaodu$"));
        await Expect(page.Locator("#assets")).ToBeVisibleAsync();
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    [Fact]
    public async Task A_range_beyond_what_an_embedded_gateway_keeps_says_so_in_place_of_the_chart()
    {
        var (page, _) = await dashboard.NewPageAsync(); // the refused request is a console error by design here
        await page.GotoAsync(dashboard.BaseUrl + "/#/nodes/taiyuan");
        await Expect(page.Locator("#node-history-chart canvas")).ToHaveCountAsync(1);
        await Expect(page.Locator("#node-history-message")).ToBeHiddenAsync();
        await page.SelectOptionAsync("#node-history-range", "7d");
        await Expect(page.Locator("#node-history-message")).ToContainTextAsync("no history store");
        await Expect(page.Locator("#node-history-chart")).ToHaveAttributeAsync("data-points", "0");
        await page.SelectOptionAsync("#node-history-range", "24h");
        await Expect(page.Locator("#node-history-message")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Names_switch_to_Chinese()
    {
        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/");
        await Expect(page.Locator("#children a.row[data-node-id='taiyuan']")).ToContainTextAsync("Taiyuan");
        await page.Locator("#language").ClickAsync();
        await Expect(page.Locator("#children a.row[data-node-id='taiyuan']")).ToContainTextAsync("太原市");
        await Expect(page.Locator("#children a.row[data-node-id='taiyuan'] .status")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("正常|预警|告警|离线"));
        await Screenshot(page, "province-zh");
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    private async Task PostAsync(string assetId, double lel)
    {
        var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var response = await dashboard.Http.PostAsync("/api/v1/telemetry",
            new StringContent($$$"""[{"assetId":"{{{assetId}}}","ts":"{{{ts}}}","metrics":{"gasLel":{{{lel}}}}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_city_draws_its_districts_polygons_and_a_district_its_boundary_with_asset_markers_labelled_only_on_hover()
    {
        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/#/nodes/taiyuan");
        var map = page.Locator("#map");
        await Expect(map).ToHaveAttributeAsync("data-map", "city:taiyuan");
        await Expect(map).ToHaveAttributeAsync("data-regions", "10");
        await Screenshot(page, "city-taiyuan-districts");

        await page.Locator("#children a.row[data-node-id='taiyuan-xiaodian']").ClickAsync();
        await Expect(map).ToHaveAttributeAsync("data-map", "district:taiyuan-xiaodian");
        await Expect(page.Locator("#assets tbody tr").First).ToBeVisibleAsync();
        var rows = await page.Locator("#assets tbody tr").CountAsync();
        await Expect(map).ToHaveAttributeAsync("data-markers", rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // No label is drawn until a marker is hovered, focused from its row or selected: none can overlap another.
        await Expect(map).ToHaveAttributeAsync("data-labels", "on-hover");
        await page.Locator("#assets tbody tr a").First.FocusAsync();
        await Screenshot(page, "district-xiaodian-assets");

        // The first row in id order is an air-quality station with no readings yet: its view must ask for no history.
        var asset = await page.Locator("#assets tbody tr").First.GetAttributeAsync("data-asset-id");
        await page.GotoAsync($"{dashboard.BaseUrl}/#/assets/{asset}");
        await Expect(map).ToHaveAttributeAsync("data-map", "district:taiyuan-xiaodian");
        await Expect(map).ToHaveAttributeAsync("data-markers", "1");
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    [Fact]
    public async Task Markers_that_would_overlap_are_drawn_as_one_cluster_which_a_click_zooms_into()
    {
        // Six valve wells on a ring of 150 m around Yuci's seat: a few pixels apart at the district's scale.
        var seat = System.Text.Json.Nodes.JsonNode.Parse(await dashboard.Http.GetStringAsync("/api/v1/nodes/jinzhong-yuci"))!["location"]!;
        var (lng, lat) = ((double)seat["lng"]!, (double)seat["lat"]!);
        var ids = Enumerable.Range(0, 6).Select(i => $"jinzhong-yuci-cluster-{i}").ToArray();
        var wells = ids.Select((id, i) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $$$"""{"id":"{{{id}}}","kind":"gas-pipeline","nodeId":"jinzhong-yuci","name":"Valve well {{{i}}}","location":{"lng":{{{lng + 0.0017 * Math.Cos(i * Math.PI / 3)}}},"lat":{{{lat + 0.00135 * Math.Sin(i * Math.PI / 3)}}}}}"""));
        var registered = await dashboard.Http.PostAsync("/api/v1/assets", new StringContent("[" + string.Join(",", wells) + "]", Encoding.UTF8, "application/json"));
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());

        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/#/nodes/jinzhong-yuci");
        var map = page.Locator("#map");
        await Expect(map).ToHaveAttributeAsync("data-map", "district:jinzhong-yuci");
        await Expect(page.Locator("#assets tbody tr").First).ToBeVisibleAsync();
        await Expect(map).ToHaveAttributeAsync("data-clusters", new System.Text.RegularExpressions.Regex("^[1-9]"));
        // Where the cluster holding all six is drawn (null when they are not all in one).
        const string clusterOfAll = """
            ids => {
              const chart = echarts.getInstanceByDom(document.querySelector('#map'));
              const clusters = chart.getOption().series.find(s => s.id === 'clusters').data;
              const all = clusters.find(c => ids.every(id => c.members.some(m => m.id === id)));
              return all ? chart.convertToPixel({ geoIndex: 0 }, all.value) : null;
            }
            """;
        var at = await page.EvaluateAsync<double[]?>(clusterOfAll, ids);
        Assert.NotNull(at);
        await Screenshot(page, "district-yuci-cluster");

        await map.ClickAsync(new LocatorClickOptions { Position = new Position { X = (float)at![0], Y = (float)at[1] } });
        // Zoomed in on the cluster until its members stand apart: the six are no longer drawn as one.
        await Expect(page.Locator("#view")).ToHaveAttributeAsync("data-ready", new System.Text.RegularExpressions.Regex("^#/nodes/jinzhong-yuci"));
        await page.WaitForFunctionAsync($"ids => ({clusterOfAll})(ids) === null", ids, new() { Timeout = 10_000 });
        const string zoom = "() => echarts.getInstanceByDom(document.querySelector('#map')).getOption().geo[0].zoom";
        var zoomed = await page.EvaluateAsync<double>(zoom);
        Assert.True(zoomed > 1, $"zoom {zoomed}");

        // A live update redraws the page's markers: the operator's zoom stays, and the six stay apart.
        await PostAsync(ids[0], 30);
        await Expect(page.Locator($"#assets tbody tr[data-asset-id='{ids[0]}']")).ToContainTextAsync("Warning", new() { Timeout = 15_000 });
        Assert.Equal(zoomed, await page.EvaluateAsync<double>(zoom));
        Assert.Null(await page.EvaluateAsync<double[]?>(clusterOfAll, ids));
        await Screenshot(page, "district-yuci-cluster-zoomed");
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    [Fact]
    public async Task An_alarm_opens_a_map_of_its_surroundings_with_the_radius_drawn_and_the_assets_within_it_listed()
    {
        await PostAsync("yuncheng-yanhu-gas-002", 64);
        var (page, errors) = await dashboard.NewPageAsync();
        await page.GotoAsync(dashboard.BaseUrl + "/#/nodes/yuncheng-yanhu");
        var link = page.Locator("#alarm-list li[data-alarm-id^='yuncheng-yanhu-gas-002:'] a[data-surroundings]").First;
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var id = await link.GetAttributeAsync("data-surroundings");
        await link.ClickAsync();

        await Expect(page.Locator("#view")).ToHaveAttributeAsync("data-ready", new System.Text.RegularExpressions.Regex("^#/alarms/"));
        await Expect(page.Locator("#incident")).ToHaveAttributeAsync("data-alarm-id", id!);
        var map = page.Locator("#map");
        await Expect(map).ToHaveAttributeAsync("data-ring", "drawn");
        await Expect(map).ToHaveAttributeAsync("data-map", "district:yuncheng-yanhu");
        // The list is what the API says lies within 500 m, nearest first, the alarm's own asset at 0 m.
        var around = System.Text.Json.Nodes.JsonNode.Parse(
            await dashboard.Http.GetStringAsync($"/api/v1/alarms/{Uri.EscapeDataString(id!)}/surroundings?radius=500"))!;
        var expected = around["assets"]!.AsArray().Select(a => (string)a!["id"]!).ToList();
        await Expect(page.Locator("#incident-assets tbody tr")).ToHaveCountAsync(expected.Count);
        Assert.Equal(expected, (await page.Locator("#incident-assets tbody tr").EvaluateAllAsync<string>("rows => rows.map(r => r.dataset.assetId).join(' ')")).Split(' '));
        Assert.Equal("yuncheng-yanhu-gas-002", expected[0]);
        await Expect(map).ToHaveAttributeAsync("data-markers", expected.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#incident-districts li[data-node-id='yuncheng-yanhu']")).ToBeVisibleAsync();
        await Screenshot(page, "incident-surroundings");
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    private async Task Screenshot(IPage page, string name)
    {
        await Expect(page.Locator("#view")).ToHaveAttributeAsync("data-ready", new System.Text.RegularExpressions.Regex("^#/"));
        var path = Path.Combine(dashboard.Artifacts, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
