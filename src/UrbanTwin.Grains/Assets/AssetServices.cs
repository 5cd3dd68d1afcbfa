using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Grains.History;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Rollup;
using UrbanTwin.Grains.Scheduling;
using UrbanTwin.Grains.Storage;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Grains.Assets;

/// <summary>
/// What every asset activation needs from its silo, in one object: an asset holds one reference to it instead of
/// seven (48 B less per activation, 48 MB at a million assets).
/// </summary>
public sealed class AssetServices(
    LiveStore store,
    TimeProvider clock,
    IOptions<RollupOptions> rollup,
    IOptions<StorageOptions> storageOptions,
    IOptions<HistoryOptions> history,
    DueWorkSweeper sweeper,
    ILogger<AssetGrain> logger,
    Webhooks.NgsiLdWatch watch,
    UrbanTwin.History.HistoryStore? historyStore = null)
{
    public LiveStore Store => store;
    public TimeProvider Clock => clock;
    public RollupOptions Rollup { get; } = rollup.Value;
    public TimeSpan FlushInterval { get; } = storageOptions.Value.FlushInterval;
    public int HistoryReadings { get; } = history.Value.ReadingsPerMetric;
    /// <summary>A history store is configured: accepted readings go to the reading log with the writes that store them.</summary>
    public bool LogsHistory { get; } = historyStore is not null;
    public DueWorkSweeper Sweeper => sweeper;
    /// <summary>The kinds NGSI-LD subscriptions watch: their assets log each accepted change (<c>asset.values</c>).</summary>
    public Webhooks.NgsiLdWatch Watch => watch;
    public ILogger Logger => logger;

    /// <summary>Per-asset failures, logged once per interval with a count (a Redis outage would log one per asset).</summary>
    public RepeatedWarning DurableWriteFailed { get; } = new(logger, "Durable writes of assets failed (they stay pending)", clock);

    public RepeatedWarning ReportFailed { get; } = new(logger, "Assets could not report to their district (they try again after the flush interval)", clock);
}
