using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Ingest;

/// <summary>Limits on write requests (<c>Ingest</c> section).</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Largest request body accepted by the write endpoints; larger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Most items (readings or assets) in one request; more get 413.</summary>
    public int MaxItemsPerBatch { get; set; } = 10_000;

    /// <summary>How far ahead of the server's clock a reading's timestamp may be (device clock skew).</summary>
    public int MaxFutureSkewSeconds { get; set; } = 300;

    /// <summary>Longest NDJSON line (one reading); a longer one is refused as malformed without being parsed.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Deepest nesting of objects and arrays in any request body (every document the API takes is 4 levels deep at
    /// most); deeper bodies get 400 before they are read into objects. Between 4 and 64.
    /// </summary>
    public int MaxJsonDepth { get; set; } = 16;

    /// <summary>Most metrics in one reading.</summary>
    public int MaxMetricsPerItem { get; set; } = 64;

    /// <summary>
    /// Most grain calls one telemetry request has under way at once (one per asset in the batch). A batch of 500
    /// assets started all at once puts 500 continuations in the thread pool's queue, and an operator's read that
    /// arrives meanwhile waits behind them (tens of milliseconds on two cores); a bound keeps the queue short without
    /// slowing ingest, which needs far fewer calls in flight than a batch holds to keep the cores busy. Not applied to
    /// <c>ack=durable</c>: those calls wait on Redis, and the more wait together, the more share a round trip.
    /// </summary>
    public int MaxDeliveriesInFlight { get; set; } = 32;

    /// <summary>
    /// How long a delivery to one asset may take before its items answer <c>unavailable</c> (retry them). While a
    /// silo dies, calls to its grains would otherwise wait for Orleans' response timeout; the asset is reactivated
    /// elsewhere once the silo is declared dead (seconds), and a retried item is applied once (redelivery).
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class IngestRules : SettingsRules<IngestOptions>
{
    protected override string Section => IngestOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(IngestOptions o) =>
    [
        Between(o.MaxBodyBytes, 1, long.MaxValue, nameof(o.MaxBodyBytes)),
        Between(o.MaxItemsPerBatch, 1, 1_000_000, nameof(o.MaxItemsPerBatch)),
        Between(o.MaxFutureSkewSeconds, 0, 86_400, nameof(o.MaxFutureSkewSeconds)),
        Between(o.MaxLineBytes, 1, int.MaxValue, nameof(o.MaxLineBytes)),
        Between(o.MaxJsonDepth, 4, Http.ApiJson.MaxDepthLimit, nameof(o.MaxJsonDepth)),
        Between(o.MaxMetricsPerItem, 1, 10_000, nameof(o.MaxMetricsPerItem)),
        Between(o.MaxDeliveriesInFlight, 1, 100_000, nameof(o.MaxDeliveriesInFlight)),
        Positive(o.DeliveryTimeout, nameof(o.DeliveryTimeout)),
    ];
}
