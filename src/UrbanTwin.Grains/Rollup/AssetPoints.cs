using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Grains.Rollup;

/// <summary>
/// A district's asset locations sorted by longitude: a box query is a binary search for the box's longitude band and
/// a scan of it for latitude (what <c>near</c> asks; area pages walk the id index instead). Built on the first
/// <c>near</c> and dropped when an asset joins, leaves or moves; 24 bytes
/// per asset while built (a longitude, a latitude and the id's reference). A district holds thousands of assets at
/// most, so a band is short; the gateway sends a query only to the districts whose boundary meets its area.
/// </summary>
public sealed class AssetPoints
{
    private readonly double[] _lng;
    private readonly double[] _lat;
    private readonly string[] _ids;

    public AssetPoints(ICollection<AssetContribution> assets)
    {
        var sorted = assets.OrderBy(a => a.Location.Lng).ToArray();
        _lng = [.. sorted.Select(a => a.Location.Lng)];
        _lat = [.. sorted.Select(a => a.Location.Lat)];
        _ids = [.. sorted.Select(a => a.AssetId)];
    }

    /// <summary>The ids of the assets in the box, edges included, in longitude order.</summary>
    public IEnumerable<string> InBox(double minLng, double minLat, double maxLng, double maxLat)
    {
        var i = Array.BinarySearch(_lng, minLng);
        if (i < 0)
        {
            i = ~i;
        }
        while (i > 0 && _lng[i - 1] >= minLng)
        {
            i--; // the first of equal longitudes
        }
        for (; i < _lng.Length && _lng[i] <= maxLng; i++)
        {
            if (_lat[i] >= minLat && _lat[i] <= maxLat)
            {
                yield return _ids[i];
            }
        }
    }
}
