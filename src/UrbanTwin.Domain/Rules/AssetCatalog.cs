using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Domain.Rules;

/// <summary>
/// The asset kinds the twin knows, with metrics, units and default thresholds from FACTS.md §2. Where a source
/// gives one level only, the other level is this project's choice and says so. Hysteresis bands are this
/// project's choice (a gas alarm clears below 90 % of its threshold, as the lifeline guidance suggests).
/// </summary>
public static class AssetCatalog
{
    public const string GasPipeline = "gas-pipeline";
    public const string WaterMain = "water-main";
    public const string DrainagePipe = "drainage-pipe";
    public const string WaterloggingPoint = "waterlogging-point";
    public const string HeatingPipe = "heating-pipe";
    public const string Bridge = "bridge";
    public const string UtilityTunnel = "utility-tunnel";
    public const string AirQualityStation = "air-quality-station";

    private static ThresholdRule W(Comparison op, double value, double hysteresis) => new(AlarmLevel.Warning, op, value, hysteresis);
    private static ThresholdRule A(Comparison op, double value, double hysteresis) => new(AlarmLevel.Alarm, op, value, hysteresis);

    public static readonly AssetKindDefinition[] Kinds =
    [
        new(GasPipeline, "gas pipeline", [
            // GB/T 50493-2019: level-1 alarm at 25 % LEL, level-2 at 50 % LEL.
            new("gasLel", "%LEL", 0, 100, [W(Comparison.Gte, 25, 2.5), A(Comparison.Gte, 50, 5)], "GB/T 50493-2019"),
            new("pressure", "MPa", 0, 10, []),
        ], ReportingIntervalSeconds: 60),
        new(UtilityTunnel, "utility tunnel", [
            // Gas compartment: 20 % LEL warning, 35 % LEL alarm with automatic shut-off (GB 50838 practice).
            new("gasLel", "%LEL", 0, 100, [W(Comparison.Gte, 20, 2), A(Comparison.Gte, 35, 3.5)], "GB 50838"),
            // Ventilation practice keeps O2 within 18–22 % vol; 19.5 % is the warning level.
            new("o2", "%vol", 0, 100, [W(Comparison.Lt, 19.5, 0.5), A(Comparison.Lt, 18, 0.5), A(Comparison.Gt, 22, 0.5)], "tunnel ventilation practice"),
            // Alarm above 10 mg/m³; the warning at 8 (80 % of the alarm) is this project's choice.
            new("h2s", "mg/m3", 0, 1000, [W(Comparison.Gte, 8, 0.8), A(Comparison.Gt, 10, 1)], "tunnel practice; warning: project choice"),
            // Alarm above 40 °C; the warning at 36 (90 % of the alarm) is this project's choice.
            new("temperature", "degC", -50, 150, [W(Comparison.Gte, 36, 1), A(Comparison.Gt, 40, 1)], "tunnel practice; warning: project choice"),
        ], ReportingIntervalSeconds: 60),
        new(WaterMain, "water main", [
            // Service minimum pressure at network ends.
            new("pressure", "MPa", 0, 10, [W(Comparison.Lt, 0.16, 0.01), A(Comparison.Lt, 0.14, 0.01)], "urban water-supply service minimum"),
            // CJJ 92-2016: leakage rate 10 %, adjustable to 12 %.
            new("leakageRate", "%", 0, 100, [W(Comparison.Gt, 10, 0.5), A(Comparison.Gt, 12, 0.5)], "CJJ 92-2016"),
            new("flow", "m3/h", 0, 1_000_000, []),
        ], ReportingIntervalSeconds: 60),
        new(DrainagePipe, "drainage pipe", [
            // No national figure in FACTS.md: 80 % / 95 % pipe fill are this project's choice.
            new("fillLevel", "%", 0, 100, [W(Comparison.Gte, 80, 5), A(Comparison.Gte, 95, 5)], "project choice"),
            new("flow", "m3/h", 0, 1_000_000, []),
        ], ReportingIntervalSeconds: 60),
        new(WaterloggingPoint, "waterlogging point", [
            // Municipal waterlogging plans: notify at 5 cm, report at 15 cm (close the road at 25 cm).
            new("waterDepth", "cm", 0, 1000, [W(Comparison.Gte, 5, 1), A(Comparison.Gte, 15, 2)], "municipal waterlogging plans"),
        ], ReportingIntervalSeconds: 60),
        new(HeatingPipe, "heating pipe", [
            // Heating-service minimum room temperature 18 °C; below 16 °C is an alarm.
            new("indoorTemp", "degC", -50, 60, [W(Comparison.Lt, 18, 0.5), A(Comparison.Lt, 16, 0.5)], "heating-service minimum"),
            new("supplyTemp", "degC", -50, 200, []),
        ], ReportingIntervalSeconds: 60),
        new(Bridge, "bridge", [
            // Structure-specific (JTG/T H21 practice): a bridge brings its own thresholds.
            new("strain", "microstrain", -10_000, 10_000, []),
            new("deflection", "mm", -2_000, 2_000, []),
            new("tilt", "deg", -90, 90, []),
        ], ReportingIntervalSeconds: 60, ThresholdsRequired: true),
        new(AirQualityStation, "air-quality station", [
            new("pm25", "ug/m3", 0, 5_000, []),
            new("pm10", "ug/m3", 0, 5_000, []),
            new("so2", "ug/m3", 0, 10_000, []),
            new("no2", "ug/m3", 0, 10_000, []),
            new("co", "mg/m3", 0, 500, []),
            new("o3", "ug/m3", 0, 5_000, []),
        ], ReportingIntervalSeconds: 60),
    ];

    private static readonly Dictionary<string, AssetKindDefinition> ByName = Kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public static AssetKindDefinition? Find(string kind) => ByName.GetValueOrDefault(kind);

    public static AssetKindDefinition Get(string kind) =>
        Find(kind) ?? throw new ArgumentException($"Unknown asset kind '{kind}'.", nameof(kind));

    /// <summary>The thresholds in force for one metric: the asset's override when it has one, else the kind's defaults.</summary>
    public static ThresholdRule[] EffectiveRules(AssetDefinition asset, MetricDefinition metric) =>
        asset.Thresholds.TryGetValue(metric.Name, out var rules) ? rules : metric.Defaults;
}
