using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.Rules;

namespace UrbanTwin.Gateway.Assets;

public sealed record AssetView(
    string Id,
    string Kind,
    string NodeId,
    string Name,
    GeoPoint Location,
    AssetStatus Status,
    Dictionary<string, ReadingView> Readings,
    Dictionary<string, ThresholdView[]> Thresholds,
    int ReportingIntervalSeconds,
    DateTimeOffset? LastReadingAt,
    long? LastSeq,
    DateTimeOffset SilentAfter,
    Dictionary<string, string> Attributes,
    long Version,
    AqiResult? Aqi)
{
    public static AssetView From(AssetSnapshot s) => new(
        s.Definition.Id, s.Definition.Kind, s.Definition.NodeId, s.Definition.Name, s.Definition.Location, s.Status,
        s.Readings.ToDictionary(r => r.Key, r => new ReadingView(r.Value.Value, r.Value.Unit, r.Value.Ts,
            s.Levels.GetValueOrDefault(r.Key)), StringComparer.Ordinal),
        s.EffectiveThresholds.ToDictionary(t => t.Key, t => t.Value.Select(ThresholdView.From).ToArray(), StringComparer.Ordinal),
        s.Definition.ReportingIntervalSeconds, s.LastReadingAt, s.LastSeq, s.SilentAfter, s.Definition.Attributes, s.Version,
        s.Definition.Kind == AssetCatalog.AirQualityStation ? AirQuality.Compute(s.Readings.ToDictionary(r => r.Key, r => r.Value.Value)) : null);
}

public sealed record ReadingView(double Value, string Unit, DateTimeOffset Ts, AlarmLevel Level);

public sealed record ThresholdView(AlarmLevel Level, Comparison Op, double Value, double Hysteresis)
{
    public static ThresholdView From(ThresholdRule r) => new(r.Level, r.Op, r.Value, r.Hysteresis);
}

public sealed record AssetPageView(AssetListItem[] Items, string? NextCursor);

public sealed record RegistrationResponse(int Created, int Updated, int Unchanged, RegistrationRejection[] Rejected);

public sealed record RegistrationRejection(int Index, string? Id, string Reason, string Field, string Detail);
