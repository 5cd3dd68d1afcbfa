using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Grains.Observability;
using UrbanTwin.ServiceDefaults;

using UrbanTwin.Simulator.Live;

using UrbanTwin.Gateway.Observability;

namespace UrbanTwin.Gateway.Tests;

/// <summary>
/// <c>/metrics</c> as Prometheus scrapes it. Instruments are process-wide and other tests run beside these, so each
/// assertion is "moved by at least what this test did", read from the scrape text.
/// </summary>
[Collection(GatewayCollection.Name)]
public partial class MetricsEndpointTests(GatewayFixture gateway)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly HttpClient _http = gateway.CreateClient();

    [Fact]
    public async Task Telemetry_moves_the_item_counters_by_outcome_and_reason_and_the_batch_size_histogram()
    {
        var before = await ScrapeAsync();
        var now = DateTimeOffset.UtcNow.ToString("O");
        var body = $$$"""
            [{"assetId":"xinzhou-wutai-gas-001","ts":"{{{now}}}","metrics":{"gasLel":3}},
             {"assetId":"xinzhou-wutai-gas-002","ts":"{{{now}}}","metrics":{"gasLel":4}},
             {"assetId":"no-such-asset-anywhere","ts":"{{{now}}}","metrics":{"gasLel":4}}]
            """;
        var response = await _http.PostAsync("/api/v1/telemetry", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);

        var after = await Eventually.Until(ScrapeAsync,
            s => s.Sum("urbantwin_telemetry_items_total", "outcome=\"accepted\"") >= before.Sum("urbantwin_telemetry_items_total", "outcome=\"accepted\"") + 2
                && s.Sum("urbantwin_telemetry_items_total", $"reason=\"{RejectionReasons.UnknownAsset}\"")
                    >= before.Sum("urbantwin_telemetry_items_total", $"reason=\"{RejectionReasons.UnknownAsset}\"") + 1,
            Deadline, "the telemetry counters to count 2 accepted and 1 unknown-asset item");
        Assert.True(after.Sum("urbantwin_ingest_batch_size_count") >= before.Sum("urbantwin_ingest_batch_size_count") + 1);
        Assert.True(after.Sum("urbantwin_storage_flush_duration_seconds_count") > 0, "no storage write was timed");
    }

    [Fact]
    public async Task Grains_by_kind_alarms_by_level_and_roll_up_lag_are_reported_with_the_Orleans_and_runtime_meters()
    {
        var before = await ScrapeAsync();
        var response = await _http.PostAsync("/api/v1/telemetry", new StringContent(
            $$$"""[{"assetId":"xinzhou-fanshi-gas-001","ts":"{{{DateTimeOffset.UtcNow:O}}}","metrics":{"gasLel":70}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var after = await Eventually.Until(ScrapeAsync,
            s => s.Sum("urbantwin_rollup_lag_seconds_count") > before.Sum("urbantwin_rollup_lag_seconds_count")
                && s.Sum("urbantwin_alarms_active", "level=\"alarm\"") >= 1,
            Deadline, "the province to take in the alarm and record its roll-up lag");
        // Activations by kind are Orleans' own count (the product no longer keeps a second one).
        Assert.Equal(1, after.Sum("orleans_grains", "grain_type=\"province\""));
        Assert.True(after.Sum("orleans_grains", "grain_type=\"district\"") >= 117); // other tests import more
        Assert.True(after.Sum("orleans_grains", "grain_type=\"asset\"") > 4000);
        // The other meters every host exports: Orleans, ASP.NET Core and the .NET runtime.
        Assert.True(after.Has("orleans_catalog_activations"), "the Microsoft.Orleans meter is missing");
        Assert.True(after.Has("http_server_request_duration_seconds_count"), "the ASP.NET Core meter is missing");
        Assert.True(after.Has("dotnet_gc_collections_total"), "the runtime meter is missing");
    }

    [Fact]
    public async Task An_open_live_stream_is_counted_while_it_is_open()
    {
        var before = (await ScrapeAsync()).Sum("urbantwin_live_clients");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using (var stream = await SseReader.OpenAsync(_http, "/api/v1/nodes/yuncheng/stream", cts.Token))
        {
            await stream.NextAsync("snapshot", cts.Token);
            await Eventually.Until(ScrapeAsync, s => s.Sum("urbantwin_live_clients") >= before + 1, Deadline, "the open stream to be counted");
        }
        await Eventually.Until(ScrapeAsync, s => s.Sum("urbantwin_live_clients") <= before, Deadline, "the closed stream to be uncounted");
    }

    [Fact]
    public void The_exported_meter_is_the_one_the_instruments_are_in()
    {
        Assert.Equal(GatewayMetrics.MeterName, ServiceDefaultsExtensions.InstrumentationName);
        Assert.Equal(Grains.Observability.SiloMetrics.MeterName, ServiceDefaultsExtensions.InstrumentationName);
    }

    private Task<PrometheusScrape> ScrapeAsync() => PrometheusScrape.TakeAsync(_http);
}
