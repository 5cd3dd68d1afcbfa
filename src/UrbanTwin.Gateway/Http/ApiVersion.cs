using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace UrbanTwin.Gateway.Http;

/// <summary>
/// Versions of resources as the API shows them: strings. Internally they are clock ticks (about 6.4·10^17, beyond
/// the 2^53 - 1 a JavaScript number holds exactly), so as numbers two different versions could compare equal in a
/// client. A version is opaque: compare it, never compute with it. The same text is the resource's <c>ETag</c>.
/// </summary>
public static class ApiVersion
{
    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The strong entity tag of a version: <c>"638…"</c>.</summary>
    public static string ETag(long version) => $"\"{Format(version)}\"";

    /// <summary>
    /// The version a request's <c>If-Match</c> names, for a write the grain makes only at that version: null without a
    /// condition (no header, or <c>*</c>); a tag that is not a version names one that never exists, so the grain answers
    /// that the resource changed, with its current version. A malformed header is a 400 naming it.
    /// </summary>
    public static bool TryReadIfMatch(HttpRequest request, out long? expected, out ValidationProblem? problem)
    {
        expected = null;
        if (!EntityTags.TryReadIfMatch(request, out var tag, out problem))
        {
            return false;
        }
        if (tag is not null)
        {
            expected = long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : NeverAVersion;
        }
        return true;
    }

    /// <summary>Versions count up from 0: no resource is ever at this one.</summary>
    private const long NeverAVersion = -1;
}
