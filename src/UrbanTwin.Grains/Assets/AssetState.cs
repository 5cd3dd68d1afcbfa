using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Grains.Assets;

/// <summary>The persisted state of one asset: its registration and the latest value and level of each metric.</summary>
[GenerateSerializer, Alias("ut.AssetState")]
public sealed class AssetState
{
    [Id(0)] public AssetDefinition? Definition { get; set; }
    [Id(1)] public Dictionary<string, MetricState> Metrics { get; set; } = new(StringComparer.Ordinal);
    [Id(2)] public long Version { get; set; }
    [Id(3)] public long? LastSeq { get; set; }
    /// <summary>Device timestamp of the newest accepted reading: older ones are rejected as stale.</summary>
    [Id(4)] public DateTimeOffset? LastReadingAt { get; set; }
    /// <summary>Server time the asset was last heard from (registration or accepted reading): drives offline.</summary>
    [Id(5)] public DateTimeOffset LastHeardAt { get; set; }
    /// <summary>Open alarms and the last few cleared ones (<see cref="Alarms.AlarmBook"/>).</summary>
    [Id(6)] public List<AlarmRecord> Alarms { get; set; } = [];
    /// <summary>The number in the id of the latest alarm raised.</summary>
    [Id(7)] public int AlarmNumber { get; set; }
}

[GenerateSerializer, Alias("ut.MetricState")]
public sealed class MetricState
{
    [Id(0)] public double Value { get; set; }
    [Id(1)] public DateTimeOffset Ts { get; set; }
    [Id(2)] public AlarmLevel Level { get; set; }
}
