using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Grains.Assets;

/// <summary>The persisted state of one asset: its registration and the latest value and level of each metric.</summary>
[GenerateSerializer, Alias("ut.AssetState")]
public sealed class AssetState
{
    [Id(0)] public AssetDefinition? Definition { get; set; }
    /// <summary>
    /// The latest value and level of each metric reported, in the order first seen. An array of structs, not a
    /// dictionary of objects: an asset has two to six metrics, and the dictionary cost about 220 B more per asset.
    /// </summary>
    [Id(8)] public LatestMetric[] Metrics { get; set; } = [];
    /// <summary>Where states stored before <see cref="Metrics"/> was an array kept the metrics; read into it, never written.</summary>
    [Id(1)]
    public Dictionary<string, MetricState>? MetricsByName
    {
        get => null;
        set
        {
            if (value is { Count: > 0 })
            {
                Metrics = [.. value.Select(kv => new LatestMetric { Name = kv.Key, Value = kv.Value.Value, Ts = kv.Value.Ts, Level = kv.Value.Level })];
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
    /// <summary>The newest reading came without a time: <see cref="LastReadingAt"/> is when the gateway received it.</summary>
    [Id(9)] public bool LastReadingTimedByGateway { get; set; }

    /// <summary>Where <paramref name="name"/> is in <see cref="Metrics"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Metrics.Length; i++)
        {
            if (Metrics[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>The latest value, time and level of one metric of an asset.</summary>
[GenerateSerializer, Alias("ut.LatestMetric")]
public struct LatestMetric
{
    [Id(0)] public string Name { get; set; }
    [Id(1)] public double Value { get; set; }
    [Id(2)] public DateTimeOffset Ts { get; set; }
    [Id(3)] public AlarmLevel Level { get; set; }
}

/// <summary>A metric's latest value as states stored before <see cref="LatestMetric"/> held it (the name was the dictionary key); only read.</summary>
[GenerateSerializer, Alias("ut.MetricState")]
public sealed class MetricState
{
    [Id(0)] public double Value { get; set; }
    [Id(1)] public DateTimeOffset Ts { get; set; }
    [Id(2)] public AlarmLevel Level { get; set; }
}
