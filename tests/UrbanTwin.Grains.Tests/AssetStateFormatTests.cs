using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Grains.Assets;

namespace UrbanTwin.Grains.Tests;

/// <summary>
/// Asset states stored before the latest values became an array (a dictionary by metric name, field 1) are read
/// into the array, so an upgrade loses no asset's latest values; states are written in the new form only.
/// </summary>
public sealed class AssetStateFormatTests
{
    private readonly Serializer _serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void A_state_stored_with_metrics_by_name_is_read_into_the_array_in_the_same_order()
    {
        var ts = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        var stored = new StoredBeforeMetricArrays
        {
            Metrics = new Dictionary<string, MetricState>(StringComparer.Ordinal)
            {
                ["gasLel"] = new MetricState { Value = 30, Ts = ts, Level = AlarmLevel.Warning },
                ["pressureMpa"] = new MetricState { Value = 0.2, Ts = ts, Level = AlarmLevel.None },
            },
            Version = 42,
            LastSeq = 7,
        };

        var read = _serializer.Deserialize<AssetState>(_serializer.SerializeToArray(stored))!;

        Assert.Equal(["gasLel", "pressureMpa"], read.Metrics.Select(m => m.Name));
        Assert.Equal([30, 0.2], read.Metrics.Select(m => m.Value));
        Assert.Equal(AlarmLevel.Warning, read.Metrics[read.IndexOf("gasLel")].Level);
        Assert.Equal(ts, read.Metrics[read.IndexOf("pressureMpa")].Ts);
        Assert.Equal(42, read.Version);
        Assert.Equal(7, read.LastSeq);
    }

    [Fact]
    public void A_state_round_trips_in_the_new_form_and_carries_no_dictionary()
    {
        var state = new AssetState { Metrics = [new LatestMetric { Name = "waterLevelM", Value = 0.35 }] };

        var bytes = _serializer.SerializeToArray(state);
        var read = _serializer.Deserialize<AssetState>(bytes)!;
        var asOld = _serializer.Deserialize<StoredBeforeMetricArrays>(bytes)!;

        Assert.Equal(0.35, read.Metrics[read.IndexOf("waterLevelM")].Value);
        Assert.Null(read.MetricsByName);
        Assert.Null(asOld.Metrics); // nothing (a null) written under the old field
    }
}

/// <summary>The fields an asset state had when its metrics were a dictionary (same ids as <see cref="AssetState"/>).</summary>
[GenerateSerializer, Alias("ut.test.StoredBeforeMetricArrays")]
public sealed class StoredBeforeMetricArrays
{
    [Id(1)] public Dictionary<string, MetricState>? Metrics { get; set; }
    [Id(2)] public long Version { get; set; }
    [Id(3)] public long? LastSeq { get; set; }
}
