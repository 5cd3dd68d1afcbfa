using Orleans.Concurrency;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Contracts.Assets;

/// <summary>The latest value of one metric with its unit and the reading's timestamp.</summary>
[GenerateSerializer, Immutable, Alias("ut.ReadingValue")]
public sealed record ReadingValue(
    [property: Id(0)] double Value,
    [property: Id(1)] string Unit,
    [property: Id(2)] DateTimeOffset Ts);

/// <summary>Everything one asset knows, as read through the API.</summary>
[GenerateSerializer, Immutable, Alias("ut.AssetSnapshot")]
public sealed record AssetSnapshot(
    [property: Id(0)] AssetDefinition Definition,
    [property: Id(1)] AssetStatus Status,
    [property: Id(2)] Dictionary<string, ReadingValue> Readings,
    [property: Id(3)] Dictionary<string, AlarmLevel> Levels,
    [property: Id(4)] Dictionary<string, ThresholdRule[]> EffectiveThresholds,
    [property: Id(5)] long Version,
    [property: Id(6)] long? LastSeq,
    [property: Id(7)] DateTimeOffset? LastReadingAt,
    [property: Id(8)] DateTimeOffset SilentAfter,
    [property: Id(9)] Alarms.AlarmRecord[] Alarms,
    [property: Id(10)] bool LastReadingTimedByGateway = false);
