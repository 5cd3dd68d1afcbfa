using System.Net;
using System.Text;

namespace UrbanTwin.Gateway.Tests.HostileInput;

/// <summary>One request an attacker or a careless integrator might send, raw bytes and all.</summary>
public sealed record HostileRequest(string Name, HttpMethod Method, string Path, byte[]? Body, string ContentType = "application/json")
{
    public static HostileRequest Post(string name, string path, string body, string contentType = "application/json") =>
        new(name, HttpMethod.Post, path, Encoding.UTF8.GetBytes(body), contentType);

    public static HostileRequest Put(string name, string path, string body) => new(name, HttpMethod.Put, path, Encoding.UTF8.GetBytes(body));

    public static HostileRequest Get(string name, string path) => new(name, HttpMethod.Get, path, null);

    /// <summary>
    /// Sends the request and says what is wrong with the answer, or null when it is right: a 4xx with problem
    /// details, never a 5xx, never a success (nothing in these requests may be accepted).
    /// </summary>
    public async Task<string?> CheckAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(Method, Path);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }
        using var response = await http.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (status is < 400 or >= 500)
        {
            return $"{Name}: HTTP {status} {Shorten(text)}";
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || !text.Contains($"\"status\":{status}", StringComparison.Ordinal))
        {
            return $"{Name}: HTTP {status} without problem details ({response.Content.Headers.ContentType}): {Shorten(text)}";
        }
        return status == (int)HttpStatusCode.TooManyRequests ? $"{Name}: rate-limited, so not tested" : null;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    public override string ToString() => Name;
}
