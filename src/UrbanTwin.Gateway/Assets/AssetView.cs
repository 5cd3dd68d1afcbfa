using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Gateway.Assets;

/// <param name="LastReadingTimedByGateway">The newest reading came without a time (MQTT allows it): <c>lastReadingAt</c> is when the gateway received it.</param>
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
    bool LastReadingTimedByGateway,
    long? LastSeq,
    DateTimeOffset SilentAfter,
    Dictionary<string, string> Attributes,
    string Version,
    AqiResult? Aqi)
{
    /// <summary>On a stale answer only: when the asset's grain last gave its state to the gateway.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? AsOf { get; init; }

    /// <summary>True when the gateway answered from the last state it saw because the asset's grain did not answer in time.</summary>
    public bool Stale { get; init; }

    public static AssetView From(AssetSnapshot s) => new(
        s.Definition.Id, s.Definition.Kind, s.Definition.NodeId, s.Definition.Name, s.Definition.Location, s.Status,
        s.Readings.ToDictionary(r => r.Key, r => new ReadingView(r.Value.Value, r.Value.Unit, r.Value.Ts,
            s.Levels.GetValueOrDefault(r.Key)), StringComparer.Ordinal),
        s.EffectiveThresholds.ToDictionary(t => t.Key, t => t.Value.Select(ThresholdView.From).ToArray(), StringComparer.Ordinal),
        s.Definition.ReportingIntervalSeconds, s.LastReadingAt, s.LastReadingTimedByGateway, s.LastSeq, s.SilentAfter, s.Definition.Attributes, Http.ApiVersion.Format(s.Version),
        s.Definition.Kind == AssetCatalog.AirQualityStation ? AirQuality.Compute(s.Readings.ToDictionary(r => r.Key, r => r.Value.Value)) : null);
}

public sealed record ReadingView(double Value, string Unit, DateTimeOffset Ts, AlarmLevel Level);

public sealed record ThresholdView(AlarmLevel Level, Comparison Op, double Value, double Hysteresis)
{
    public static ThresholdView From(ThresholdRule r) => new(r.Level, r.Op, r.Value, r.Hysteresis);
}

/// <summary>An asset in a search's page; <c>distanceM</c> (metres, great-circle) in a search near a point.</summary>
public sealed record AssetListItemView(string Id, string Kind, string NodeId, string Name, GeoPoint Location, AssetStatus Status, int ActiveAlarms,
    DateTimeOffset? LastReadingAt)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? DistanceM { get; init; }

    public static AssetListItemView From(AssetListItem i) => new(i.Id, i.Kind, i.NodeId, i.Name, i.Location, i.Status, i.ActiveAlarms, i.LastReadingAt);
}

/// <summary>A page of assets as a search found it, before it becomes JSON or GeoJSON; a bad cursor instead when it was not one of this search's.</summary>
public sealed record AssetSearchPage(AssetListItemView[] Items, string? NextCursor, Reads.Freshness Freshness)
{
    public ValidationProblem? Problem { get; init; }

    public static AssetSearchPage BadCursor => new([], null, default) { Problem = Http.Problems.Invalid("cursor", "not a cursor returned by this search") };

    /// <summary>The page as answered: its freshness in the headers, the body as JSON or, when asked for, a GeoJSON FeatureCollection.</summary>
    public Results<Ok<AssetPageView>, ProblemHttpResult, ValidationProblem, ContentHttpResult> Answer(HttpContext context, TimeProvider clock,
        Microsoft.AspNetCore.Http.Json.JsonOptions json)
    {
        if (Problem is { } badCursor)
        {
            return badCursor;
        }
        Freshness.Describe(context, clock);
        if (Geo.GeoJson.Wanted(context))
        {
            return Geo.GeoJson.Result(Geo.AssetGeoSearch.Collection(Items, json));
        }
        return TypedResults.Ok(new AssetPageView(Items, NextCursor, Freshness.Stale, Freshness.StaleAsOf));
    }
}

/// <summary>A page of assets; <c>stale</c> when a district answered from the gateway's last-seen state, then with <c>asOf</c>, the oldest of them.</summary>
public sealed record AssetPageView(AssetListItemView[] Items, string? NextCursor, bool Stale,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? AsOf = null);

public sealed record RegistrationResponse(int Created, int Updated, int Unchanged, RegistrationRejection[] Rejected)
{
    /// <summary>Assets registered with a remark (one outside its district's boundary, with <c>Geo:OutsideDistrict=Warn</c>).</summary>
    public RegistrationWarning[] Warnings { get; init; } = [];
}

public sealed record RegistrationWarning(int Index, string Id, string Field, string Detail);

public sealed record RegistrationRejection(int Index, string? Id, string Reason, string Field, string Detail);
