using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.NgsiLd;

/// <summary>
/// What every NGSI-LD request settles first (ETSI GS CIM 009 clause 6.3): the representation the caller accepts
/// (406 when none of <c>application/json</c>, <c>application/ld+json</c>, <c>application/geo+json</c>), and the
/// active <c>@context</c>: the one its JSON-LD <c>Link</c> header names, or the core context alone. Answers say which
/// context their terms are compacted with: in the body as <c>@context</c> (JSON-LD), else in a <c>Link</c> header.
/// </summary>
public sealed record NgsiLdRequest(string MediaType, LdContext Context, string ContextUrl)
{
    public const string Json = "application/json";
    public const string JsonLd = "application/ld+json";
    public const string GeoJson = "application/geo+json";
    public const string ContextRel = "http://www.w3.org/ns/json-ld#context";

    public bool IsJsonLd => MediaType == JsonLd;
    public bool IsGeoJson => MediaType == GeoJson;

    /// <summary>The <c>@context</c> an answer's body carries: only a JSON-LD answer has one.</summary>
    public JsonNode? BodyContext => IsJsonLd ? JsonValue.Create(ContextUrl) : null;

    public static async Task<NgsiLdRequest> ReadAsync(HttpContext http, ContextResolver contexts, CancellationToken ct)
    {
        var mediaType = Negotiate(http.Request.Headers.Accept);
        var link = ContextLink(http.Request.Headers.Link);
        var context = link is null ? ContextResolver.Core : await contexts.ResolveAsync(link, ct);
        return new NgsiLdRequest(mediaType, context, link ?? ContextResolver.CoreUrl);
    }

    /// <summary>Writes what the body does not say: the context as a <c>Link</c> header when the answer is not JSON-LD, and the media type.</summary>
    public IResult Answer(JsonNode body) => new Negotiated(this, body);

    // Names in Chinese and the like as written, not \u-escaped: the body is UTF-8.
    private static readonly System.Text.Json.JsonSerializerOptions BodyJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The media type to answer in, by the Accept header's preference (none or <c>*/*</c>: application/json).</summary>
    private static string Negotiate(Microsoft.Extensions.Primitives.StringValues accept)
    {
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            return Json;
        }
        foreach (var range in ranges.OrderByDescending(r => r.Quality ?? 1))
        {
            if (range.Quality == 0)
            {
                continue;
            }
            var type = range.MediaType.Value?.ToLowerInvariant();
            switch (type)
            {
                case Json or "*/*" or "application/*":
                    return Json;
                case JsonLd or GeoJson:
                    return type;
            }
        }
        throw new NgsiLdException(NgsiLdError.NotAcceptable(
            $"Accept: {accept}: this broker answers application/json, application/ld+json or application/geo+json"));
    }

    /// <summary>The context URL of the JSON-LD <c>Link</c> header; null without one; BadRequestData for two or a malformed one.</summary>
    private static string? ContextLink(Microsoft.Extensions.Primitives.StringValues headers)
    {
        string? found = null;
        foreach (var header in headers)
        {
            foreach (var link in SplitLinks(header ?? ""))
            {
                var close = link.IndexOf('>');
                if (!link.StartsWith('<') || close < 0)
                {
                    throw new NgsiLdException(NgsiLdError.BadRequestData($"Link: '{link}' is not <URL>; rel=…"));
                }
                var parameters = link[(close + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (!parameters.Any(p => p.Replace(" ", "", StringComparison.Ordinal).Equals($"rel=\"{ContextRel}\"", StringComparison.OrdinalIgnoreCase)
                    || p.Replace(" ", "", StringComparison.Ordinal).Equals($"rel={ContextRel}", StringComparison.OrdinalIgnoreCase)))
                {
                    continue; // a link of another relation
                }
                if (found is not null)
                {
                    throw new NgsiLdException(NgsiLdError.BadRequestData("Link: more than one JSON-LD context link"));
                }
                found = link[1..close].Trim();
                if (!Uri.TryCreate(found, UriKind.Absolute, out _))
                {
                    throw new NgsiLdException(NgsiLdError.BadRequestData($"Link: '{found}' is not an absolute URL"));
                }
            }
        }
        return found;
    }

    /// <summary>Links of one header, split at the commas between them (not those inside &lt;…&gt; or quotes).</summary>
    private static IEnumerable<string> SplitLinks(string header)
    {
        var (start, inAngle, inQuote) = (0, false, false);
        for (var i = 0; i < header.Length; i++)
        {
            switch (header[i])
            {
                case '<' when !inQuote: inAngle = true; break;
                case '>' when !inQuote: inAngle = false; break;
                case '"' when !inAngle: inQuote = !inQuote; break;
                case ',' when !inAngle && !inQuote:
                    if (header[start..i].Trim() is { Length: > 0 } part)
                    {
                        yield return part;
                    }
                    start = i + 1;
                    break;
            }
        }
        if (header[start..].Trim() is { Length: > 0 } last)
        {
            yield return last;
        }
    }

    private sealed class Negotiated(NgsiLdRequest request, JsonNode body) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            if (!request.IsJsonLd)
            {
                http.Response.Headers.Link = $"<{request.ContextUrl}>; rel=\"{ContextRel}\"; type=\"{JsonLd}\"";
            }
            http.Response.Headers.Vary = "Accept, Link";
            http.Response.ContentType = request.MediaType;
            await http.Response.WriteAsync(body.ToJsonString(BodyJson), http.RequestAborted);
        }
    }
}
