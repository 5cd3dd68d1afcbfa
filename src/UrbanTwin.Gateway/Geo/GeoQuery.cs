using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Gateway.Http;

namespace UrbanTwin.Gateway.Geo;

/// <summary>The geo query parameters: a point as <c>lng,lat</c> and <c>include=boundary</c>, each refused with a problem naming it.</summary>
public static class GeoQuery
{
    public const string PointRequirement = "a point as lng,lat in degrees: lng between -180 and 180, lat between -90 and 90 (e.g. 112.53,37.74)";

    public static bool TryPoint(string? text, string field, out double lng, out double lat, out ValidationProblem? problem)
    {
        lng = lat = double.NaN;
        problem = null;
        var parts = (text ?? "").Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out lng)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out lat)
            && double.IsFinite(lng) && double.IsFinite(lat) && lng is >= -180 and <= 180 && lat is >= -90 and <= 90)
        {
            return true;
        }
        problem = Problems.Invalid(field, PointRequirement);
        return false;
    }

    /// <summary>Whether <c>include</c> asks for boundaries; null or empty asks for nothing more.</summary>
    public static bool TryInclude(string? include, out bool boundary, out ValidationProblem? problem)
    {
        boundary = false;
        problem = null;
        foreach (var part in (include ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part != "boundary")
            {
                problem = Problems.Invalid("include", $"'{part}' cannot be included: the one choice is boundary");
                return false;
            }
            boundary = true;
        }
        return true;
    }
}
