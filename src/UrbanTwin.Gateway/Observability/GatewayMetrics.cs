using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace UrbanTwin.Gateway.Observability;

/// <summary>
/// The gateway's own instruments, in the <c>UrbanTwin</c> meter every host exports (OTLP, and <c>/metrics</c> where names
/// become <c>urbantwin_…</c>); docs/operations.md says what each one means. One per host, from its
/// <see cref="IMeterFactory"/>.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "UrbanTwin";

    private readonly Counter<long> _telemetryItems;
    private readonly Counter<long> _accessRefused;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _telemetryItems = meter.CreateCounter<long>(
            "urbantwin.telemetry.items", "{item}", "Telemetry items received, by outcome and rejection reason.");
        IngestBatchSize = meter.CreateHistogram<int>(
            "urbantwin.ingest.batch.size", "{item}", "Items per telemetry request.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000] });
        LiveClients = meter.CreateUpDownCounter<int>("urbantwin.live.clients", "{client}", "Open live streams (server-sent events).");
        _accessRefused = meter.CreateCounter<long>(
            "urbantwin.access.refused", "{request}", "API requests refused by access control, by reason.");
    }

    /// <summary>Items per telemetry request that reached delivery (after the request itself was valid).</summary>
    public Histogram<int> IngestBatchSize { get; }

    /// <summary>Open live streams (server-sent events) on this gateway.</summary>
    public UpDownCounter<int> LiveClients { get; }

    /// <summary>Telemetry items by outcome (accepted, rejected) and, for rejections, the reason.</summary>
    public void CountTelemetry(long count, string outcome, string? reason = null)
    {
        if (count > 0)
        {
            _telemetryItems.Add(count, new TagList { { "outcome", outcome }, { "reason", reason ?? "none" } });
        }
    }

    /// <summary>A request refused for access: missing-key, unknown-key, forbidden, rate-limited, too-many-streams.</summary>
    public void CountRefused(string reason) => _accessRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
