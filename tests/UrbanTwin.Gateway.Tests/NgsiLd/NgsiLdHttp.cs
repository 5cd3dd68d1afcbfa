using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace UrbanTwin.Gateway.Tests.NgsiLd;

/// <summary>What the NGSI-LD tests send and check the same way: a request with its Accept, Link and body, and an error's status and type.</summary>
internal static class NgsiLdHttp
{
    public const string Errors = "https://uri.etsi.org/ngsi-ld/errors/";

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient http, HttpMethod method, string path, string? body = null,
        string contentType = "application/json", string? accept = null, string? link = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        if (link is not null)
        {
            request.Headers.TryAddWithoutValidation("Link", link);
        }
        return await http.SendAsync(request);
    }

    /// <summary>The JSON-LD Link header naming a context URL.</summary>
    public static string ContextLink(string url) => $"<{url}>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";

    /// <summary>
    /// An NGSI-LD problem details answer: the status, the error type (a name of the specification's, or <c>about:blank</c>),
    /// and, when given, a text its detail holds.
    /// </summary>
    public static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string type, string? mentions = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {text}");
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(type.StartsWith("about:", StringComparison.Ordinal) ? type : Errors + type, (string?)problem["type"]);
        if (mentions is not null)
        {
            Assert.Contains(mentions, (string?)problem["detail"], StringComparison.Ordinal);
        }
    }
}
