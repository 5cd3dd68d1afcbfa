using System.Collections.Concurrent;
using UrbanTwin.EventLog.Readings;
using UrbanTwin.History;
using System.Diagnostics.Metrics;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.EventLog;

namespace UrbanTwin.Grains.Observability;

/// <summary>
/// The silo's own instruments, in the <c>UrbanTwin</c> meter every host exports (OTLP, and <c>/metrics</c> where names
/// become <c>urbantwin_…</c>); docs/operations.md says what each one means and when to alert on it. One per host, from
/// its <see cref="IMeterFactory"/>: two silos in one process (the tests) keep apart. Grain counts are Orleans' own
/// (<c>orleans_grains</c>, by grain type).
/// </summary>
public sealed class SiloMetrics
{
    public const string MeterName = "UrbanTwin";

    private readonly ConcurrentDictionary<string, (GroupProgress Progress, DateTimeOffset At)> _webhooks = new(StringComparer.Ordinal);
    private AlarmCounts? _provinceAlarms;

    public SiloMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        StorageFlushDuration = meter.CreateHistogram<double>(
            "urbantwin.storage.flush.duration", "s", "Time from a grain state write to its confirmation by storage.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        StorageFlushFailures = meter.CreateCounter<long>(
            "urbantwin.storage.flush.failures", "{write}", "Grain state writes that storage did not confirm, by mode (durable or write-behind) and grain kind.");
        HistoryRowsDropped = meter.CreateCounter<long>("urbantwin.history.dropped", "{row}",
            "History rows not logged because the history backlog (History:MaxBacklog) was full: their readings are applied, the history store misses them");
        HistoryValues = meter.CreateCounter<long>("urbantwin.history.values", "{value}",
            "Values taken from the reading log by the history writers, by result: written (asset metric values), node_minutes, expired (older than the retention), undecodable.");
        HistoryWriteDuration = meter.CreateHistogram<double>("urbantwin.history.write.duration", "s", "Time one history writer transaction (COPY and commit) took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        HistoryWriteFailures = meter.CreateCounter<long>("urbantwin.history.write.failures", "{batch}",
            "History writer batches the history store did not take (its rows stay in the log and are tried again).");
        // Reported by the silo holding history writer 0, so a sum over all pods is the cluster's figure.
        meter.CreateObservableGauge("urbantwin.history.backlog", () => Volatile.Read(ref _historyBacklog), "{row}",
            "History rows in the reading log not yet in the history store (bounded by History:MaxBacklog).");
        StoragePending = meter.CreateUpDownCounter<int>(
            "urbantwin.storage.pending", "{grain}",
            "Grains whose state is waiting to be written to storage (write-behind backlog; grows while storage is away, drains when it is back)");
        RollupLag = meter.CreateHistogram<double>(
            "urbantwin.rollup.lag", "s", "Time from a change at a district to the province summary reflecting it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30] });
        // Reported only by the silo that holds the province activation, so a sum over all pods is the province's
        // figure whichever silo holds it.
        meter.CreateObservableGauge("urbantwin.alarms.active", ObserveAlarms, "{alarm}",
            "Open alarm conditions in the province, by level (reported by the silo holding the province).");
        WebhookDeliveries = meter.CreateCounter<long>(
            "urbantwin.webhook.deliveries", "{delivery}", "Webhook delivery attempts, by result: delivered, failed (to be retried), dead_lettered.");
        WebhookDeliveryLatency = meter.CreateHistogram<double>(
            "urbantwin.webhook.delivery.latency", "s", "From an event's entry in the event log to its receiver's 2xx (retries included).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600] });
        // Reported by the silo holding each subscription, so a sum over all pods is each subscription's figure.
        meter.CreateObservableGauge("urbantwin.webhook.backlog", ObserveWebhookBacklog, "{event}",
            "Events a webhook subscription has still to deliver (taken and unanswered, and not yet taken), by subscription.");
        meter.CreateObservableGauge("urbantwin.webhook.oldest_pending.age", ObserveWebhookOldest, "s",
            "Age of the oldest event a webhook subscription has taken and not delivered, by subscription (0 when none).");
    }

    /// <summary>Webhook delivery attempts by result (<c>delivered</c>, <c>failed</c>, <c>dead_lettered</c>).</summary>
    public Counter<long> WebhookDeliveries { get; }

    /// <summary>Counts <paramref name="count"/> delivery attempts with their <paramref name="result"/>.</summary>
    public void CountWebhookDeliveries(long count, string result) => WebhookDeliveries.Add(count, new KeyValuePair<string, object?>("result", result));

    /// <summary>From an event's logging to its receiver's 2xx.</summary>
    public Histogram<double> WebhookDeliveryLatency { get; }

    /// <summary>A subscription's latest progress in the event log, from the silo holding it.</summary>
    public void SetWebhookProgress(string subscription, GroupProgress progress, DateTimeOffset at) => _webhooks[subscription] = (progress, at);

    /// <summary>The subscription left this silo (deactivated or deleted): another reports it now.</summary>
    public void ForgetWebhook(string subscription) => _webhooks.TryRemove(subscription, out _);

    private IEnumerable<Measurement<long>> ObserveWebhookBacklog() =>
        _webhooks.Select(w => new Measurement<long>(w.Value.Progress.Backlog, new KeyValuePair<string, object?>("subscription", w.Key)));

    private IEnumerable<Measurement<double>> ObserveWebhookOldest() =>
        _webhooks.Select(w => new Measurement<double>(w.Value.Progress.OldestPendingAt is { } oldest ? Math.Max(0, (w.Value.At - oldest).TotalSeconds) : 0,
            new KeyValuePair<string, object?>("subscription", w.Key)));

    /// <summary>How long a grain's state write took until storage confirmed it, by mode (durable or write-behind) and grain kind.</summary>
    public Histogram<double> StorageFlushDuration { get; }

    /// <summary>Grain state writes that storage did not confirm, by mode and grain kind; a write-behind one is tried again.</summary>
    public Counter<long> StorageFlushFailures { get; }

    /// <summary>The write-behind backlog: grains with state not yet written (a grain counts once however many changes wait).</summary>
    public UpDownCounter<int> StoragePending { get; }

    public Counter<long> HistoryRowsDropped { get; }

    public Counter<long> HistoryValues { get; }

    public Histogram<double> HistoryWriteDuration { get; }

    public Counter<long> HistoryWriteFailures { get; }

    private long _historyBacklog;

    public void SetHistoryBacklog(ReadingBacklog backlog) => Volatile.Write(ref _historyBacklog, backlog.Rows);

    public void CountHistoryWrite(WriteResult result, TimeSpan took)
    {
        HistoryWriteDuration.Record(took.TotalSeconds);
        HistoryValues.Add(result.Values, new KeyValuePair<string, object?>("result", "written"));
        HistoryValues.Add(result.NodeMinutes, new KeyValuePair<string, object?>("result", "node_minutes"));
        if (result.Expired > 0)
        {
            HistoryValues.Add(result.Expired, new KeyValuePair<string, object?>("result", "expired"));
        }
        if (result.Undecodable > 0)
        {
            HistoryValues.Add(result.Undecodable, new KeyValuePair<string, object?>("result", "undecodable"));
        }
    }

    /// <summary>From a change arriving at a district to the province holding it (the newest change of each push).</summary>
    public Histogram<double> RollupLag { get; }

    /// <summary>The province's latest alarm counts (null when its activation leaves this silo).</summary>
    public void SetProvinceAlarms(AlarmCounts? counts) => Volatile.Write(ref _provinceAlarms, counts);

    private IEnumerable<Measurement<int>> ObserveAlarms()
    {
        if (Volatile.Read(ref _provinceAlarms) is not { } counts)
        {
            return [];
        }
        return [new(counts.Warning, new KeyValuePair<string, object?>("level", "warning")), new(counts.Alarm, new KeyValuePair<string, object?>("level", "alarm"))];
    }
}
