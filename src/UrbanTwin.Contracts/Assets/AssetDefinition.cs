using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Contracts.Assets;

/// <summary>
/// A threshold on one metric. <see cref="Hysteresis"/> is how far back past the limit the value must go
/// before the level clears, so a value hovering at the limit does not flap.
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.ThresholdRule")]
public sealed record ThresholdRule(
    [property: Id(0)] AlarmLevel Level,
    [property: Id(1)] Comparison Op,
    [property: Id(2)] double Value,
    [property: Id(3)] double Hysteresis);

/// <summary>An asset as registered by an integrator. <see cref="Thresholds"/> overrides the kind's defaults per metric.</summary>
[GenerateSerializer, Immutable, Alias("ut.AssetDefinition")]
public sealed record AssetDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string NodeId,
    [property: Id(3)] string Name,
    [property: Id(4)] GeoPoint Location,
    [property: Id(5)] int ReportingIntervalSeconds,
    [property: Id(6)] Dictionary<string, ThresholdRule[]> Thresholds,
    [property: Id(7)] Dictionary<string, string> Attributes);

/// <summary>The answer to a deletion.</summary>
[GenerateSerializer]
public enum DeleteOutcome
{
    Deleted = 0,
    NotFound = 1,
    /// <summary>Refused: the asset is in a district outside the caller's scope.</summary>
    OutOfScope = 2,
}

/// <summary>The answer to a registration.</summary>
[GenerateSerializer]
public enum RegistrationOutcome
{
    Created = 0,
    Updated = 1,
    Unchanged = 2,
    /// <summary>Refused: the asset is registered in a district outside the caller's scope (it may not be moved from there).</summary>
    OutOfScope = 3,
}
