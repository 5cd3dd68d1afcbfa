using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Contracts.Assets;

/// <summary>A metric name with a value.</summary>
[GenerateSerializer, Immutable, Alias("ut.MetricSample")]
public sealed record MetricSample([property: Id(0)] string Metric, [property: Id(1)] double Value);

/// <summary>
/// What an asset tells its district. The district keeps one per asset and replaces it when a newer
/// <see cref="Version"/> arrives, so a duplicated or retried message cannot count twice.
/// <see cref="Status"/> excludes offline: the district derives that from <see cref="SilentAfter"/> and its clock.
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.AssetContribution")]
public sealed record AssetContribution(
    [property: Id(0)] string AssetId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] GeoPoint Location,
    [property: Id(4)] AssetStatus Status,
    [property: Id(5)] int WarningCount,
    [property: Id(6)] int AlarmCount,
    [property: Id(7)] DateTimeOffset SilentAfter,
    [property: Id(8)] long Version,
    [property: Id(9)] MetricSample[] Latest,
    [property: Id(10)] DateTimeOffset? LastReadingAt,
    [property: Id(11)] Alarms.AlarmRecord[] Alarms);

/// <summary>A filter over one district's asset index, continuing after <see cref="AfterId"/>.</summary>
[GenerateSerializer, Immutable, Alias("ut.AssetQuery")]
public sealed record AssetQuery(
    [property: Id(0)] string? Kind,
    [property: Id(1)] AssetStatus? Status,
    [property: Id(2)] string? AfterId,
    [property: Id(3)] int Limit);

/// <summary>One row of an asset search, answered by the district from its index.</summary>
[GenerateSerializer, Immutable, Alias("ut.AssetListItem")]
public sealed record AssetListItem(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string NodeId,
    [property: Id(3)] string Name,
    [property: Id(4)] GeoPoint Location,
    [property: Id(5)] AssetStatus Status,
    [property: Id(6)] int ActiveAlarms,
    [property: Id(7)] DateTimeOffset? LastReadingAt);

[GenerateSerializer, Immutable, Alias("ut.AssetPage")]
public sealed record AssetPage([property: Id(0)] AssetListItem[] Items, [property: Id(1)] bool HasMore);
