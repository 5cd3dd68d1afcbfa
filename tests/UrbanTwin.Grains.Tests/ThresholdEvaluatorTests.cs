using UrbanTwin.Contracts.Assets;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Grains.Tests;

/// <summary>Every default threshold row of FACTS.md §2 at, just below and just above its limit, and hysteresis.</summary>
public class ThresholdEvaluatorTests
{
    private static AlarmLevel Level(string kind, string metric, double value, AlarmLevel previous = AlarmLevel.None) =>
        ThresholdEvaluator.Evaluate(AssetCatalog.Get(kind).Metric(metric)!.Defaults, value, previous);

    [Theory]
    // gas pipeline, % LEL: warning ≥ 25, alarm ≥ 50 (GB/T 50493-2019)
    [InlineData(AssetCatalog.GasPipeline, "gasLel", 24.99, AlarmLevel.None)]
    [InlineData(AssetCatalog.GasPipeline, "gasLel", 25, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.GasPipeline, "gasLel", 49.99, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.GasPipeline, "gasLel", 50, AlarmLevel.Alarm)]
    [InlineData(AssetCatalog.GasPipeline, "gasLel", 50.01, AlarmLevel.Alarm)]
    // utility tunnel gas compartment: ≥ 20, ≥ 35
    [InlineData(AssetCatalog.UtilityTunnel, "gasLel", 19.99, AlarmLevel.None)]
    [InlineData(AssetCatalog.UtilityTunnel, "gasLel", 20, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.UtilityTunnel, "gasLel", 34.99, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.UtilityTunnel, "gasLel", 35, AlarmLevel.Alarm)]
    // O2 % vol: warning < 19.5, alarm < 18 or > 22
    [InlineData(AssetCatalog.UtilityTunnel, "o2", 19.5, AlarmLevel.None)]
    [InlineData(AssetCatalog.UtilityTunnel, "o2", 19.49, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.UtilityTunnel, "o2", 18, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.UtilityTunnel, "o2", 17.99, AlarmLevel.Alarm)]
    [InlineData(AssetCatalog.UtilityTunnel, "o2", 22, AlarmLevel.None)]
    [InlineData(AssetCatalog.UtilityTunnel, "o2", 22.01, AlarmLevel.Alarm)]
    // H2S mg/m³: warning ≥ 8, alarm > 10
    [InlineData(AssetCatalog.UtilityTunnel, "h2s", 7.99, AlarmLevel.None)]
    [InlineData(AssetCatalog.UtilityTunnel, "h2s", 8, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.UtilityTunnel, "h2s", 10, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.UtilityTunnel, "h2s", 10.01, AlarmLevel.Alarm)]
    // tunnel temperature °C: warning ≥ 36, alarm > 40
    [InlineData(AssetCatalog.UtilityTunnel, "temperature", 35.99, AlarmLevel.None)]
    [InlineData(AssetCatalog.UtilityTunnel, "temperature", 36, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.UtilityTunnel, "temperature", 40, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.UtilityTunnel, "temperature", 40.01, AlarmLevel.Alarm)]
    // water main pressure MPa: warning < 0.16, alarm < 0.14
    [InlineData(AssetCatalog.WaterMain, "pressure", 0.16, AlarmLevel.None)]
    [InlineData(AssetCatalog.WaterMain, "pressure", 0.159, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.WaterMain, "pressure", 0.14, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.WaterMain, "pressure", 0.139, AlarmLevel.Alarm)]
    // leakage rate %: warning > 10, alarm > 12 (CJJ 92-2016)
    [InlineData(AssetCatalog.WaterMain, "leakageRate", 10, AlarmLevel.None)]
    [InlineData(AssetCatalog.WaterMain, "leakageRate", 10.01, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.WaterMain, "leakageRate", 12, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.WaterMain, "leakageRate", 12.01, AlarmLevel.Alarm)]
    // waterlogging depth cm: warning ≥ 5, alarm ≥ 15
    [InlineData(AssetCatalog.WaterloggingPoint, "waterDepth", 4.99, AlarmLevel.None)]
    [InlineData(AssetCatalog.WaterloggingPoint, "waterDepth", 5, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.WaterloggingPoint, "waterDepth", 14.99, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.WaterloggingPoint, "waterDepth", 15, AlarmLevel.Alarm)]
    // heating indoor temperature °C: warning < 18, alarm < 16
    [InlineData(AssetCatalog.HeatingPipe, "indoorTemp", 18, AlarmLevel.None)]
    [InlineData(AssetCatalog.HeatingPipe, "indoorTemp", 17.99, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.HeatingPipe, "indoorTemp", 16, AlarmLevel.Warning)]
    [InlineData(AssetCatalog.HeatingPipe, "indoorTemp", 15.99, AlarmLevel.Alarm)]
    public void Default_thresholds_match_the_reference_table(string kind, string metric, double value, AlarmLevel expected) =>
        Assert.Equal(expected, Level(kind, metric, value));

    [Fact]
    public void A_gas_alarm_clears_only_below_90_percent_of_its_threshold()
    {
        Assert.Equal(AlarmLevel.Alarm, Level(AssetCatalog.GasPipeline, "gasLel", 49, AlarmLevel.Alarm));
        Assert.Equal(AlarmLevel.Alarm, Level(AssetCatalog.GasPipeline, "gasLel", 45, AlarmLevel.Alarm));
        Assert.Equal(AlarmLevel.Warning, Level(AssetCatalog.GasPipeline, "gasLel", 44.99, AlarmLevel.Alarm));
        Assert.Equal(AlarmLevel.Warning, Level(AssetCatalog.GasPipeline, "gasLel", 22.5, AlarmLevel.Warning));
        Assert.Equal(AlarmLevel.None, Level(AssetCatalog.GasPipeline, "gasLel", 22.49, AlarmLevel.Warning));
        Assert.Equal(AlarmLevel.Warning, Level(AssetCatalog.GasPipeline, "gasLel", 24, AlarmLevel.Alarm));
    }

    [Fact]
    public void A_value_hovering_at_a_limit_does_not_flap()
    {
        var level = AlarmLevel.None;
        var changes = 0;
        foreach (var value in new[] { 50.2, 49.8, 50.1, 49.7, 50.3, 49.9, 48.0, 50.0 })
        {
            var next = Level(AssetCatalog.GasPipeline, "gasLel", value, level);
            changes += next != level ? 1 : 0;
            level = next;
        }
        Assert.Equal(1, changes);
        Assert.Equal(AlarmLevel.Alarm, level);
    }

    [Fact]
    public void A_low_limit_clears_above_its_band()
    {
        Assert.Equal(AlarmLevel.Alarm, Level(AssetCatalog.UtilityTunnel, "o2", 18.3, AlarmLevel.Alarm));
        Assert.Equal(AlarmLevel.Warning, Level(AssetCatalog.UtilityTunnel, "o2", 18.6, AlarmLevel.Alarm));
        Assert.Equal(AlarmLevel.Warning, Level(AssetCatalog.UtilityTunnel, "o2", 19.9, AlarmLevel.Warning));
        Assert.Equal(AlarmLevel.None, Level(AssetCatalog.UtilityTunnel, "o2", 20.0, AlarmLevel.Warning));
    }

    [Fact]
    public void Inconsistent_thresholds_are_refused()
    {
        var metric = AssetCatalog.Get(AssetCatalog.GasPipeline).Metric("gasLel")!;
        Assert.NotEmpty(ThresholdValidator.Check(metric, [new(AlarmLevel.Warning, Comparison.Gte, 60, 1), new(AlarmLevel.Alarm, Comparison.Gte, 50, 1)]));
        Assert.NotEmpty(ThresholdValidator.Check(metric, [new(AlarmLevel.Alarm, Comparison.Gte, 150, 1)]));
        Assert.NotEmpty(ThresholdValidator.Check(metric, [new(AlarmLevel.Alarm, Comparison.Gte, 50, -1)]));
        Assert.Empty(ThresholdValidator.Check(metric, metric.Defaults));
    }
}
