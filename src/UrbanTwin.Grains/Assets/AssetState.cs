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
}

[GenerateSerializer, Alias("ut.MetricState")]
public sealed class MetricState
{
    [Id(0)] public double Value { get; set; }
    [Id(1)] public DateTimeOffset Ts { get; set; }
    [Id(2)] public AlarmLevel Level { get; set; }
}
