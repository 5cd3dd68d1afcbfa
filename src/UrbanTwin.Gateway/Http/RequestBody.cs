using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Ingest;

namespace UrbanTwin.Gateway.Http;

/// <summary>Reads a request body into memory, refusing more than a configured number of bytes.</summary>
public static class RequestBody
{
    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (answer 413).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return null;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var body = new MemoryStream();
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (body.Length + read > maxBytes)
                {
                    return null;
                }
                body.Write(buffer, 0, read);
            }
            return body.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The body as JSON of type <typeparamref name="T"/>: the value (null for a JSON null), or the problem to answer,
    /// 413 when too long or 400 naming where the JSON is malformed or of the wrong type.
    /// </summary>
    public static async Task<JsonBody<T>> ReadJsonAsync<T>(HttpRequest request, long maxBytes, JsonSerializerOptions options,
        CancellationToken cancellationToken)
    {
        var body = await ReadAsync(request, maxBytes, cancellationToken);
        if (body is null)
        {
            return new JsonBody<T>(default, Problems.TooLarge($"the body is larger than {maxBytes} bytes"), null);
        }
        try
        {
            CheckDepth(body, request.HttpContext.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value.MaxJsonDepth);
            return new JsonBody<T>(JsonSerializer.Deserialize<T>(body, options), null, null);
        }
        catch (JsonException ex)
        {
            return new JsonBody<T>(default, null, Problems.Malformed(ex));
        }
    }

    /// <summary>One pass of the reader over the body: a JsonException (naming where) when it nests deeper than <paramref name="maxDepth"/>.</summary>
    private static void CheckDepth(byte[] body, int maxDepth)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        while (reader.Read())
        {
        }
    }
}

/// <summary>A JSON request body: <see cref="Value"/>, or one of the two problems to answer instead.</summary>
public sealed record JsonBody<T>(T? Value, ProblemHttpResult? TooLarge, ValidationProblem? Malformed);
