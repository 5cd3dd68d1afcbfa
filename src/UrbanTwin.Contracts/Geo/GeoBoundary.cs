namespace UrbanTwin.Contracts.Geo;

/// <summary>
/// An area, as the coordinates of a GeoJSON MultiPolygon in lng/lat degrees: polygons, each an outer ring and its
/// holes, each ring flat (lng0, lat0, lng1, lat1, …) and closed (the last point repeats the first). Flat rings keep a
/// county's few thousand points in one array each, not an array per point.
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.GeoBoundary")]
public sealed record GeoBoundary([property: Id(0)] double[][][] Polygons)
{
    public int VertexCount => Polygons.Sum(p => p.Sum(r => r.Length / 2));

    /// <summary>Same polygons, rings and coordinates (records compare arrays by reference).</summary>
    public bool SameAs(GeoBoundary? other) =>
        other is not null && Polygons.Length == other.Polygons.Length
        && Polygons.Zip(other.Polygons).All(p => p.First.Length == p.Second.Length && p.First.Zip(p.Second).All(r => r.First.AsSpan().SequenceEqual(r.Second)));
}
