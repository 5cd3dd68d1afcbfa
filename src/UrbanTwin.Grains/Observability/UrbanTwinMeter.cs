using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using UrbanTwin.Contracts.Rollup;

namespace UrbanTwin.Grains.Observability;

/// <summary>
/// The product's own instruments, in the <c>UrbanTwin</c> meter that every host exports (OTLP and the Prometheus
/// endpoint <c>/metrics</c>, where names become <c>urbantwin_…</c>). docs/operations.md says what each one means
/// and when to alert on it. Gateways record ingest and live-stream figures; silos record storage, roll-up, alarm and
/// grain figures; the embedded process records all of them.
/// </summary>
public static class UrbanTwinMeter
{
    public const string Name = "UrbanTwin";

    private static readonly Meter Meter = new(Name);

    /// <summary>Telemetry items by outcome (accepted, rejected) and, for rejections, the reason.</summary>
    public static readonly Counter<long> TelemetryItems = Meter.CreateCounter<long>(
        "urbantwin.telemetry.items", "{item}", "Telemetry items received, by outcome and rejection reason.");

    /// <summary>Items per telemetry request that reached delivery (after the request itself was valid).</summary>
    public static readonly Histogram<int> IngestBatchSize = Meter.CreateHistogram<int>(
        "urbantwin.ingest.batch.size", "{item}", "Items per telemetry request.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000] });

    /// <summary>How long a grain's state write took until storage confirmed it, by mode (durable or write-behind) and grain kind.</summary>
    public static readonly Histogram<double> StorageFlushDuration = Meter.CreateHistogram<double>(
        "urbantwin.storage.flush.duration", "s", "Time from a grain state write to its confirmation by storage.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    /// <summary>Grain state writes that storage did not confirm, by mode and grain kind; a write-behind one is retried after another flush window.</summary>
    public static readonly Counter<long> StorageFlushFailures = Meter.CreateCounter<long>(
        "urbantwin.storage.flush.failures", "{write}", "Grain state writes that storage did not confirm, by mode (durable or write-behind) and grain kind.");

    /// <summary>The write-behind backlog: grains with state not yet written (a grain counts once however many changes wait).</summary>
    public static readonly UpDownCounter<int> StoragePending = Meter.CreateUpDownCounter<int>(
        "urbantwin.storage.pending", "{grain}",
        "Grains whose state is waiting to be written to storage (write-behind backlog; grows while storage is away, drains when it is back)");

    /// <summary>From a change arriving at a district to the province holding it (the newest change of each push).</summary>
    public static readonly Histogram<double> RollupLag = Meter.CreateHistogram<double>(
        "urbantwin.rollup.lag", "s", "Time from a change at a district to the province summary reflecting it.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30] });

    /// <summary>Open live streams (server-sent events) on this gateway.</summary>
    public static readonly UpDownCounter<int> LiveClients = Meter.CreateUpDownCounter<int>(
        "urbantwin.live.clients", "{client}", "Open live streams (server-sent events).");

    /// <summary>Grain activations in this silo by kind (asset, district, city, cluster, province, topology).</summary>
    public static readonly UpDownCounter<int> GrainsActive = Meter.CreateUpDownCounter<int>(
        "urbantwin.grains.active", "{grain}", "Grain activations in this process, by kind.");

    /// <summary>API requests refused for access: missing-key, unknown-key, forbidden (role or scope), rate-limited, too-many-streams.</summary>
    public static readonly Counter<long> AccessRefused = Meter.CreateCounter<long>(
        "urbantwin.access.refused", "{request}", "API requests refused by access control, by reason.");

    private static AlarmCounts? _provinceAlarms;

    static UrbanTwinMeter()
    {
        // Reported only by the process that holds the province activation, so a sum over all pods is the province's
        // figure whichever silo holds it.
        Meter.CreateObservableGauge("urbantwin.alarms.active", ObserveAlarms, "{alarm}",
            "Open alarm conditions in the province, by level (reported by the silo holding the province).");
    }

    /// <summary>The province's latest alarm counts (null when its activation leaves this process).</summary>
    public static void SetProvinceAlarms(AlarmCounts? counts) => Volatile.Write(ref _provinceAlarms, counts);

    public static void CountTelemetry(long count, string outcome, string? reason = null)
    {
        if (count > 0)
        {
            TelemetryItems.Add(count, new TagList { { "outcome", outcome }, { "reason", reason ?? "none" } });
        }
    }

    public static void CountRefused(string reason) => AccessRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private static IEnumerable<Measurement<int>> ObserveAlarms()
    {
        if (Volatile.Read(ref _provinceAlarms) is not { } counts)
        {
            return [];
        }
        return [new(counts.Warning, new KeyValuePair<string, object?>("level", "warning")), new(counts.Alarm, new KeyValuePair<string, object?>("level", "alarm"))];
    }
}

/// <summary>Counts a grain's activation in <see cref="UrbanTwinMeter.GrainsActive"/> under its grain type name (asset, district, …).</summary>
internal static class GrainActivations
{
    // One tag per grain type: GrainType.ToString() makes a new string each time, and an asset keeps its tag.
    private static readonly ConcurrentDictionary<GrainType, KeyValuePair<string, object?>> KindTags = new();

    public static void Activated(IGrainBase grain) => UrbanTwinMeter.GrainsActive.Add(1, KindTag(grain));

    public static void Deactivated(IGrainBase grain) => UrbanTwinMeter.GrainsActive.Add(-1, KindTag(grain));

    /// <summary>The <c>kind</c> tag of a grain's measurements ("unknown" outside a silo).</summary>
    public static KeyValuePair<string, object?> KindTag(IGrainBase grain) => grain.GrainContext is { } context
        ? KindTags.GetOrAdd(context.GrainId.Type, type => new("kind", type.ToString()))
        : new("kind", "unknown");
}
