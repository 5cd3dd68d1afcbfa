using System.Globalization;

namespace UrbanTwin.Domain.NgsiLd;

/// <summary>How NGSI-LD writes what the gateway and the silo both send: times, and the JSON-LD context link header.</summary>
public static class NgsiLdFormats
{
    /// <summary>The link relation of a JSON-LD context (JSON-LD 1.1, section 6.1).</summary>
    public const string ContextRel = "http://www.w3.org/ns/json-ld#context";

    /// <summary>The <c>Link</c> header naming <paramref name="contextUrl"/> as the context of a JSON body.</summary>
    public static string ContextLink(string contextUrl) => $"<{contextUrl}>; rel=\"{ContextRel}\"; type=\"application/ld+json\"";

    /// <summary>A time as NGSI-LD answers it: UTC to the millisecond, with a Z.</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
