using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Contracts.Geo;

/// <summary>
/// One district's assets within <see cref="RadiusM"/> metres (great-circle) of a point, nearest first (ties by id),
/// after the previous page's last (<see cref="AfterDistanceM"/>, <see cref="AfterId"/>), with the search's filters.
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.AssetNearQuery")]
public sealed record AssetNearQuery(
    [property: Id(0)] double Lng,
    [property: Id(1)] double Lat,
    [property: Id(2)] double RadiusM,
    [property: Id(3)] string? Kind,
    [property: Id(4)] AssetStatus? Status,
    [property: Id(5)] double? AfterDistanceM,
    [property: Id(6)] string? AfterId,
    [property: Id(7)] int Limit);

/// <summary>An asset found near a point, with its distance from it in metres.</summary>
[GenerateSerializer, Immutable, Alias("ut.AssetNearItem")]
public sealed record AssetNearItem([property: Id(0)] AssetListItem Item, [property: Id(1)] double DistanceM);

/// <summary>
/// One district's assets whose location lies in <see cref="Area"/>, in id order after <see cref="AfterId"/>:
/// strictly inside (<c>within</c>), or inside or on its edge (<see cref="IncludeEdge"/>, <c>intersects</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.AssetAreaQuery")]
public sealed record AssetAreaQuery(
    [property: Id(0)] GeoBoundary Area,
    [property: Id(1)] bool IncludeEdge,
    [property: Id(2)] string? Kind,
    [property: Id(3)] AssetStatus? Status,
    [property: Id(4)] string? AfterId,
    [property: Id(5)] int Limit);
