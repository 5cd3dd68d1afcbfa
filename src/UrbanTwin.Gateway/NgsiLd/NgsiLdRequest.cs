using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.NgsiLd;

/// <summary>
/// What every NGSI-LD request settles first (ETSI GS CIM 009 clause 6.3): the representation the caller accepts
/// (406 when none of <c>application/json</c>, <c>application/ld+json</c>, <c>application/geo+json</c>), and the
/// active <c>@context</c>: the one its JSON-LD <c>Link</c> header names, or the core context alone. Answers say which
/// context their terms are compacted with: in the body as <c>@context</c> (JSON-LD), else in a <c>Link</c> header.
/// </summary>
public sealed record NgsiLdRequest(string MediaType, LdContext Context, string ContextUrl, JsonNode? ContextValue = null)
{
    public const string Json = "application/json";
    public const string JsonLd = "application/ld+json";
    public const string GeoJson = "application/geo+json";
    public const string ContextRel = NgsiLdFormats.ContextRel;

    public bool IsJsonLd => MediaType == JsonLd;
    public bool IsGeoJson => MediaType == GeoJson;

    /// <summary>The <c>@context</c> an answer's body carries: only a JSON-LD answer has one.</summary>
    public JsonNode? BodyContext => IsJsonLd ? ContextValue?.DeepClone() ?? JsonValue.Create(ContextUrl) : null;

    /// <summary>
    /// The context an answer's names are compacted with: the request's, unless the answer is not JSON-LD and the
    /// request's context was written out in its body (a <c>Link</c> header can only name a URL): then the core context.
    /// </summary>
    public LdContext AnswerContext => IsJsonLd || ContextValue is null ? Context : ContextResolver.Core;

    public static async Task<NgsiLdRequest> ReadAsync(HttpContext http, ContextResolver contexts, CancellationToken ct)
    {
        var mediaType = Negotiate(http.Request.Headers.Accept);
        var link = ContextLink(http.Request.Headers.Link);
        var context = link is null ? ContextResolver.Core : await contexts.ResolveAsync(link, ct);
        return new NgsiLdRequest(mediaType, context, link ?? ContextResolver.CoreUrl);
    }

    /// <summary>
    /// A request with a body (clause 6.3.4): <c>application/json</c>, its context in a <c>Link</c> header (an
    /// <c>@context</c> in the body is BadRequestData), or <c>application/ld+json</c>, its context in the body (then a
    /// <c>Link</c> header is BadRequestData); any other type 415; a body that is not JSON InvalidRequest; over
    /// <paramref name="maxBytes"/> 413. Each element of an array body carries its own <c>@context</c> in JSON-LD: the
    /// caller resolves those (<see cref="ElementContextAsync"/>).
    /// </summary>
    public static async Task<(NgsiLdRequest Request, JsonNode Body)> ReadWithBodyAsync(HttpContext http, ContextResolver contexts, long maxBytes, CancellationToken ct)
    {
        var mediaType = Negotiate(http.Request.Headers.Accept);
        var contentType = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var parsed) ? parsed.MediaType.Value?.ToLowerInvariant() : null;
        if (contentType is not (Json or JsonLd))
        {
            throw new NgsiLdException(NgsiLdError.UnsupportedMediaType(
                $"Content-Type: '{http.Request.ContentType}': this broker takes application/json or application/ld+json"));
        }
        var body = await ReadJsonAsync(http.Request, maxBytes, ct);
        var link = ContextLink(http.Request.Headers.Link);
        if (contentType == JsonLd)
        {
            if (link is not null)
            {
                throw new NgsiLdException(NgsiLdError.BadRequestData("Link: a JSON-LD context link with an application/ld+json body (its @context goes in the body)"));
            }
            if (body is JsonArray)
            {
                return (new NgsiLdRequest(mediaType, ContextResolver.Core, ContextResolver.CoreUrl), body);
            }
            var value = body is JsonObject o && o.TryGetPropertyValue("@context", out var c) && c is not null
                ? c : throw new NgsiLdException(NgsiLdError.BadRequestData("@context: required in an application/ld+json body"));
            var context = await contexts.ResolveAsync(System.Text.Json.JsonSerializer.SerializeToElement(value), ct);
            var url = value is JsonValue v && v.TryGetValue<string>(out var single) ? single : null;
            return (new NgsiLdRequest(mediaType, context, url ?? ContextResolver.CoreUrl, url is null ? value.DeepClone() : null), body);
        }
        if (body is JsonObject withContext && withContext.ContainsKey("@context") || body is JsonArray array && array.Any(e => e is JsonObject eo && eo.ContainsKey("@context")))
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData("@context: not in an application/json body (name the context in a Link header, or send application/ld+json)"));
        }
        var active = link is null ? ContextResolver.Core : await contexts.ResolveAsync(link, ct);
        return (new NgsiLdRequest(mediaType, active, link ?? ContextResolver.CoreUrl), body);
    }

    /// <summary>The context of one element of an array body: its own <c>@context</c> in JSON-LD, else the request's.</summary>
    public static async Task<LdContext> ElementContextAsync(NgsiLdRequest request, JsonObject element, bool jsonLd, ContextResolver contexts, CancellationToken ct)
    {
        if (!jsonLd)
        {
            return request.Context;
        }
        var value = element["@context"] ?? throw new NgsiLdException(NgsiLdError.BadRequestData("@context: required in each entity of an application/ld+json body"));
        return await contexts.ResolveAsync(System.Text.Json.JsonSerializer.SerializeToElement(value), ct);
    }

    private static async Task<JsonNode> ReadJsonAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
        {
            throw new NgsiLdException(NgsiLdError.PayloadTooLarge($"the body is over {maxBytes:N0} bytes"));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new NgsiLdException(NgsiLdError.PayloadTooLarge($"the body is over {maxBytes:N0} bytes"));
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 64 })
                ?? throw new NgsiLdException(NgsiLdError.InvalidRequest("the body is null, not a JSON object or array"));
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new NgsiLdException(NgsiLdError.InvalidRequest($"the body is not JSON: {ex.Message}"));
        }
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
                http.Response.Headers.Link = NgsiLdFormats.ContextLink(request.ContextUrl);
            }
            http.Response.Headers.Vary = "Accept, Link";
            http.Response.ContentType = request.MediaType;
            await http.Response.WriteAsync(body.ToJsonString(BodyJson), http.RequestAborted);
        }
    }
}
