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
    private readonly Counter<long> _mqttMessages;
    private readonly Counter<long> _mqttRejections;
    private readonly Meter _meter;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = _meter = meters.Create(MeterName);
        _telemetryItems = meter.CreateCounter<long>(
            "urbantwin.telemetry.items", "{item}", "Telemetry items received, by outcome and rejection reason.");
        IngestBatchSize = meter.CreateHistogram<int>(
            "urbantwin.ingest.batch.size", "{item}", "Items per telemetry request.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000] });
        LiveClients = meter.CreateUpDownCounter<int>("urbantwin.live.clients", "{client}", "Open live streams (server-sent events).");
        _accessRefused = meter.CreateCounter<long>(
            "urbantwin.access.refused", "{request}", "API requests refused by access control, by reason.");
        _mqttMessages = meter.CreateCounter<long>(
            "urbantwin.mqtt.messages", "{message}", "MQTT messages handled, by result: accepted, partial, refused, retried, failed.");
        _mqttRejections = meter.CreateCounter<long>(
            "urbantwin.mqtt.rejections", "{rejection}", "Refusals published on the MQTT rejected topic.");
    }

    /// <summary>An MQTT message handled: accepted (every item), partial, refused (none), retried (items unavailable), failed (not handled; redelivered).</summary>
    public void CountMqttMessage(string result) => _mqttMessages.Add(1, new KeyValuePair<string, object?>("result", result));

    public void CountMqttRejections(int count) => _mqttRejections.Add(count);

    /// <summary>1 while the gateway holds a session at its MQTT broker, 0 while it does not (only when MQTT is on).</summary>
    public void ObserveMqttConnection(Func<bool> connected) =>
        _meter.CreateObservableGauge("urbantwin.mqtt.connected", () => connected() ? 1 : 0, "{session}", "Whether the gateway is connected to its MQTT broker.");

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
