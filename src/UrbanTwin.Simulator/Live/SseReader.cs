using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace UrbanTwin.Simulator.Live;

/// <summary>
/// A minimal client of the gateway's server-sent events (<c>GET /api/v1/nodes/{id}/stream</c>): events by name with
/// their JSON, and the id of the latest, which a reconnecting client sends as <c>Last-Event-ID</c>. Used by the
/// benchmark's alarm-to-client probe and by the tests.
/// </summary>
public sealed class SseReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly SseLines _lines = new();

    private SseReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    /// <summary>The id of the latest event read.</summary>
    public string? LastEventId => _lines.LastEventId;

    /// <summary>Opens the stream; anything but a 200 with <c>text/event-stream</c> throws, naming what came.</summary>
    public static async Task<SseReader> OpenAsync(HttpClient http, string path, CancellationToken ct, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            response.Dispose();
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}: {body}");
        }
        return new SseReader(response, await response.Content.ReadAsStreamAsync(ct));
    }

    /// <summary>The next event called <paramref name="name"/> whose data matches; others are skipped.</summary>
    public async Task<JsonNode> NextAsync(string name, CancellationToken ct, Func<JsonNode, bool>? match = null)
    {
        while (true)
        {
            var (ev, data) = await ReadEventAsync(ct);
            if (ev == name && JsonNode.Parse(data) is { } json && (match is null || match(json)))
            {
                return json;
            }
        }
    }

    /// <summary>The first event matching each of two conditions, in whichever order they come.</summary>
    public async Task<(JsonNode First, JsonNode Second)> BothAsync((string Name, Func<JsonNode, bool> Match) first,
        (string Name, Func<JsonNode, bool> Match) second, CancellationToken ct)
    {
        JsonNode? a = null, b = null;
        while (a is null || b is null)
        {
            var (ev, data) = await ReadEventAsync(ct);
            if (JsonNode.Parse(data) is not { } json)
            {
                continue;
            }
            if (a is null && ev == first.Name && first.Match(json))
            {
                a = json;
            }
            else if (b is null && ev == second.Name && second.Match(json))
            {
                b = json;
            }
        }
        return (a, b);
    }

    private async Task<(string Event, string Data)> ReadEventAsync(CancellationToken ct)
    {
        while (true)
        {
            var line = await _reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("the stream ended");
            if (_lines.Take(line) is { } completed)
            {
                return completed;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
