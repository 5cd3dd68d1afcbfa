using System.Globalization;

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
}
