using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace UrbanTwin.Gateway.NgsiLd.JsonLd;

/// <summary>
/// Turns the <c>@context</c> of a request (from its body or its JSON-LD <c>Link</c> header) into an active context.
/// The NGSI-LD core context v1.8 ships inside the product and is recognised by its URLs, also inside a user context, so
/// core terms never need the network; it is applied last, so its terms take precedence as the specification requires.
/// A user context is fetched over HTTP(S) only from a host of <see cref="NgsiLdOptions.ContextHosts"/>, within
/// <see cref="NgsiLdOptions.MaxContextBytes"/> and <see cref="NgsiLdOptions.ContextTimeout"/>, and kept for
/// <see cref="NgsiLdOptions.ContextCacheTtl"/>. What cannot be fetched is LdContextNotAvailable (503); what is not a
/// context is BadRequestData (400).
/// </summary>
public sealed class ContextResolver(IHttpClientFactory clients, IOptions<NgsiLdOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "ngsi-ld-contexts";
    public const string CoreUrl = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld";
    public const string CoreUnversionedUrl = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld";
    private const int MaxDepth = 8; // remote contexts that refer to further remote contexts
    private const int MaxCached = 1000;

    private static readonly JsonElement CoreLocal = LoadCore();

    /// <summary>The core context alone: what a request without a user context uses.</summary>
    public static readonly LdContext Core = LdContext.Empty.With(CoreLocal);

    private readonly ConcurrentDictionary<string, (JsonElement Context, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);

    public static bool IsCore(string url) => url is CoreUrl or CoreUnversionedUrl;

    /// <summary>The active context for a request's <c>@context</c> value (a URL, an object, an array of them); null: the core context alone.</summary>
    public async Task<LdContext> ResolveAsync(JsonElement? context, CancellationToken ct)
    {
        if (context is not { } value)
        {
            return Core;
        }
        var active = await ApplyAsync(LdContext.Empty, value, depth: 0, ct);
        return active.With(CoreLocal);
    }

    /// <summary>The active context for a context URL (a <c>Link</c> header's).</summary>
    public Task<LdContext> ResolveAsync(string url, CancellationToken ct) =>
        ResolveAsync(JsonSerializer.SerializeToElement(url), ct);

    private async Task<LdContext> ApplyAsync(LdContext active, JsonElement value, int depth, CancellationToken ct)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
            {
                var url = value.GetString()!;
                if (IsCore(url))
                {
                    return active; // applied at the end anyway
                }
                if (depth >= MaxDepth)
                {
                    throw new NgsiLdException(NgsiLdError.LdContextNotAvailable($"{url}: more than {MaxDepth} remote contexts deep"));
                }
                return await ApplyAsync(active, await FetchAsync(url, ct), depth + 1, ct);
            }
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    active = await ApplyAsync(active, item, depth, ct);
                }
                return active;
            default:
                try
                {
                    return active.With(value);
                }
                catch (InvalidContextException ex)
                {
                    throw new NgsiLdException(NgsiLdError.BadRequestData("@context: " + ex.Message));
                }
        }
    }

    /// <summary>The <c>@context</c> member of the document at <paramref name="url"/>, from the cache while it is fresh.</summary>
    private async Task<JsonElement> FetchAsync(string url, CancellationToken ct)
    {
        var settings = options.Value;
        if (_cache.TryGetValue(url, out var cached) && clock.GetUtcNow() - cached.FetchedAt < settings.ContextCacheTtl)
        {
            return cached.Context;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData($"@context: '{url}' is not an http(s) URL"));
        }
        if (!settings.ContextHosts.Any(h => h.Equals(uri.Host, StringComparison.OrdinalIgnoreCase) || h.Equals(uri.Authority, StringComparison.OrdinalIgnoreCase)))
        {
            throw new NgsiLdException(NgsiLdError.LdContextNotAvailable(
                $"{url}: contexts are fetched only from the hosts of NgsiLd:ContextHosts, and {uri.Authority} is not one of them"));
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.ContextTimeout);
        JsonElement context;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/ld+json"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.9));
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new NgsiLdException(NgsiLdError.LdContextNotAvailable($"{url}: answered {(int)response.StatusCode}"));
            }
            var body = await ReadBoundedAsync(response, settings.MaxContextBytes, url, timeout.Token);
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("@context", out var member))
            {
                throw new NgsiLdException(NgsiLdError.LdContextNotAvailable($"{url}: not a JSON-LD context document (an object with @context)"));
            }
            context = member.Clone();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new NgsiLdException(NgsiLdError.LdContextNotAvailable($"{url}: no answer within {settings.ContextTimeout.TotalSeconds:0.#} s"));
        }
        catch (HttpRequestException ex)
        {
            throw new NgsiLdException(NgsiLdError.LdContextNotAvailable($"{url}: {ex.Message}"));
        }
        catch (JsonException ex)
        {
            throw new NgsiLdException(NgsiLdError.LdContextNotAvailable($"{url}: not JSON ({ex.Message})"));
        }
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear(); // many distinct contexts: start over rather than grow without bound
        }
        _cache[url] = (context, clock.GetUtcNow());
        return context;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int maxBytes, string url, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw new NgsiLdException(NgsiLdError.LdContextNotAvailable($"{url}: larger than {maxBytes:N0} bytes (NgsiLd:MaxContextBytes)"));
        }
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new NgsiLdException(NgsiLdError.LdContextNotAvailable($"{url}: larger than {maxBytes:N0} bytes (NgsiLd:MaxContextBytes)"));
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static JsonElement LoadCore()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("UrbanTwin.NgsiLd.core-context-v1.8.jsonld")
            ?? throw new InvalidOperationException("the NGSI-LD core context is not embedded");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("@context").Clone();
    }
}
