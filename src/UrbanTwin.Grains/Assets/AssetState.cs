using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Grains.Assets;

/// <summary>The persisted state of one asset: its registration and the latest value and level of each metric.</summary>
[GenerateSerializer, Alias("ut.AssetState")]
public sealed class AssetState
{
    [Id(0)] public AssetDefinition? Definition { get; set; }
    /// <summary>
    /// The latest value and level of each metric reported, in the order first seen. An array, not a dictionary: an
    /// asset has two to six metrics, and a dictionary of them costs about 160 B more per asset in memory.
    /// </summary>
    [Id(8)] public MetricState[] Metrics { get; set; } = [];
    /// <summary>Where states stored before <see cref="Metrics"/> was an array kept the metrics; read into it, never written.</summary>
    [Id(1)]
    public Dictionary<string, MetricState>? MetricsByName
    {
        get => null;
        set
        {
            if (value is { Count: > 0 })
            {
                Metrics = [.. value.Select(kv => { kv.Value.Name = kv.Key; return kv.Value; })];
            }
        }
    }
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

    public MetricState? Metric(string name)
    {
        foreach (var metric in Metrics)
        {
            if (metric.Name == name)
            {
                return metric;
            }
        }
        return null;
    }
}

[GenerateSerializer, Alias("ut.MetricState")]
public sealed class MetricState
{
    [Id(3)] public string Name { get; set; } = "";
    [Id(0)] public double Value { get; set; }
    [Id(1)] public DateTimeOffset Ts { get; set; }
    [Id(2)] public AlarmLevel Level { get; set; }
}
