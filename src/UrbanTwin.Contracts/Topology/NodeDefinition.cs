using UrbanTwin.Contracts.Geo;

namespace UrbanTwin.Contracts.Topology;

/// <summary>A point in WGS-84-like lng/lat degrees (the reference data is probably GCJ-02: schematic, not survey-grade).</summary>
[GenerateSerializer, Immutable, Alias("ut.GeoPoint")]
public sealed record GeoPoint([property: Id(0)] double Lng, [property: Id(1)] double Lat);

/// <summary>One slow-moving figure a node reports for a year (population, urban population, a rate...).</summary>
[GenerateSerializer, Immutable, Alias("ut.IndicatorFact")]
public sealed record IndicatorFact(
    [property: Id(0)] string Name,
    [property: Id(1)] int Year,
    [property: Id(2)] double Value,
    [property: Id(3)] string? Source,
    [property: Id(4)] string? Period = null)
{
    /// <summary>The period the figure is for: <see cref="Period"/> (<c>2026-10</c>, <c>2026-Q3</c>) or, for annual figures, the year.</summary>
    public string PeriodKey => Period ?? Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A province, cluster, city or district as imported: identity, place in the tree, its own indicators and its boundary.</summary>
[GenerateSerializer, Immutable, Alias("ut.NodeDefinition")]
public sealed record NodeDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] NodeKind Kind,
    [property: Id(2)] string? ParentId,
    [property: Id(3)] string? Code,
    [property: Id(4)] string Name,
    [property: Id(5)] string? NameZh,
    [property: Id(6)] GeoPoint? Location,
    [property: Id(7)] string[] Tags,
    [property: Id(8)] Dictionary<string, string> Attributes,
    [property: Id(9)] IndicatorFact[] Indicators,
    [property: Id(10)] GeoBoundary? Boundary = null);
