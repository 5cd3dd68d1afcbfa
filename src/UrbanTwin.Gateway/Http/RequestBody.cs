using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Ingest;

namespace UrbanTwin.Gateway.Http;

/// <summary>
/// Reads a request body into a pooled buffer, refusing more than a configured number of bytes. Pooled because a
/// telemetry batch is tens of kilobytes: copied into fresh arrays (a growing MemoryStream, then ToArray) at a
/// hundred requests a second, they landed on the large-object heap and cost the gateway a gen2 collection every
/// couple of seconds, which showed as a 100 ms tail on every read.
/// </summary>
public static class RequestBody
{
    private const int FirstBuffer = 16 * 1024;

    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (answer 413). Dispose it to return its buffer.</summary>
    public static async Task<PooledBody?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return null;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } known and > 0 ? (int)known : FirstBuffer);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        return new PooledBody(buffer, length);
    }

    /// <summary>
    /// The body as JSON of type <typeparamref name="T"/>: the value (null for a JSON null), or the problem to answer,
    /// 413 when too long or 400 naming where the JSON is malformed or of the wrong type.
    /// </summary>
    public static async Task<JsonBody<T>> ReadJsonAsync<T>(HttpRequest request, long maxBytes, JsonSerializerOptions options,
        CancellationToken cancellationToken)
    {
        using var body = await ReadAsync(request, maxBytes, cancellationToken);
        if (body is null)
        {
            return new JsonBody<T>(default, Problems.TooLarge($"the body is larger than {maxBytes} bytes"), null);
        }
        try
        {
            CheckDepth(body.Memory.Span, request.HttpContext.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value.MaxJsonDepth);
            return new JsonBody<T>(JsonSerializer.Deserialize<T>(body.Memory.Span, options), null, null);
        }
        catch (JsonException ex)
        {
            return new JsonBody<T>(default, null, Problems.Malformed(ex));
        }
    }

    /// <summary>One pass of the reader over the body: a JsonException (naming where) when it nests deeper than <paramref name="maxDepth"/>.</summary>
    private static void CheckDepth(ReadOnlySpan<byte> body, int maxDepth)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        while (reader.Read())
        {
        }
    }
}

/// <summary>A JSON request body: <see cref="Value"/>, or one of the two problems to answer instead.</summary>
public sealed record JsonBody<T>(T? Value, ProblemHttpResult? TooLarge, ValidationProblem? Malformed);

/// <summary>A request body in a rented buffer; <see cref="Memory"/> is valid until it is disposed.</summary>
public sealed class PooledBody(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBody))).AsMemory(0, length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
