using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Contracts.Ingest;

/// <summary>A reading that passed the gateway's stateless checks (shape, timestamp, finite numbers).</summary>
/// <param name="TimedByGateway">
/// The device sent no time (MQTT allows it: many devices have no clock), so <paramref name="Ts"/> is when the
/// gateway received it.
/// </param>
[GenerateSerializer, Immutable, Alias("ut.Reading")]
public sealed record Reading(
    [property: Id(0)] DateTimeOffset Ts,
    [property: Id(1)] long? Seq,
    [property: Id(2)] MetricSample[] Metrics,
    [property: Id(3)] bool TimedByGateway = false);

/// <summary>The answer for one reading: null <see cref="Reason"/> means accepted.</summary>
[GenerateSerializer, Immutable, Alias("ut.ReadingOutcome")]
public readonly record struct ReadingOutcome([property: Id(0)] string? Reason, [property: Id(1)] string? Detail)
{
    public static readonly ReadingOutcome Accepted = new(null, null);

    public bool IsAccepted => Reason is null;

    public static ReadingOutcome Reject(string reason, string detail) => new(reason, detail);
}

/// <summary>The reasons an item of a telemetry batch can be rejected; the API returns these codes.</summary>
public static class RejectionReasons
{
    public const string MalformedItem = "malformed-item";
    public const string InvalidAssetId = "invalid-asset-id";
    public const string UnknownAsset = "unknown-asset";
    public const string UnknownMetric = "unknown-metric";
    public const string NoMetrics = "no-metrics";
    public const string InvalidValue = "invalid-value";
    public const string OutOfRange = "out-of-range";
    public const string InvalidTimestamp = "invalid-timestamp";
    public const string FutureTimestamp = "future-timestamp";
    public const string StaleTimestamp = "stale-timestamp";
    public const string DuplicateSeq = "duplicate-seq";
    public const string InvalidSeq = "invalid-seq";
    /// <summary>The asset is outside the districts the caller's API key may change.</summary>
    public const string OutOfScope = "out-of-scope";
    /// <summary>An asset registration whose location lies too far outside its district's boundary (<c>Geo:OutsideDistrict</c>).</summary>
    public const string OutsideDistrict = "outside-district";
    /// <summary>Not acknowledged: the asset or storage could not be reached. Safe to retry.</summary>
    public const string Unavailable = "unavailable";
}
