namespace UrbanTwin.Domain.Geo;

/// <summary>Distances on the earth as a sphere of the mean radius (haversine): within 0.5 % of the ellipsoid's, everywhere.</summary>
public static class GreatCircle
{
    public const double EarthRadiusM = 6_371_008.8;
    private const double MetresPerDegree = Math.PI * EarthRadiusM / 180;

    public static double Metres(double lng1, double lat1, double lng2, double lat2)
    {
        var dLat = ToRadians(lat2 - lat1);
        var dLng = ToRadians(lng2 - lng1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
            + Math.Cos(ToRadians(lat1)) * Math.Cos(ToRadians(lat2)) * Math.Sin(dLng / 2) * Math.Sin(dLng / 2);
        return 2 * EarthRadiusM * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>
    /// A lng/lat box holding every point within <paramref name="radiusM"/> of the centre (a little more: the widest
    /// latitude of the circle sets its longitude span). Near a pole the box spans every longitude.
    /// </summary>
    public static (double MinLng, double MinLat, double MaxLng, double MaxLat) BoxAround(double lng, double lat, double radiusM)
    {
        var dLat = radiusM / MetresPerDegree * 1.001; // a margin over rounding
        var (minLat, maxLat) = (Math.Max(-90, lat - dLat), Math.Min(90, lat + dLat));
        var widest = Math.Max(Math.Abs(minLat), Math.Abs(maxLat));
        if (widest >= 89.9)
        {
            return (-180, minLat, 180, maxLat);
        }
        var dLng = radiusM / (MetresPerDegree * Math.Cos(ToRadians(widest))) * 1.01;
        return (Math.Max(-180, lng - dLng), minLat, Math.Min(180, lng + dLng), maxLat);
    }

    private static double ToRadians(double degrees) => degrees * Math.PI / 180;
}
