using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography;
using System.Text;

namespace UrbanTwin.Gateway.Tests.Webhooks;

/// <summary>One delivery as a receiver saw it.</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Timestamp, string Signature, string Body, int AnsweredWith, string ContentType = "",
    string Link = "")
{
    public JsonNode Json => JsonNode.Parse(Body)!;
    public string Type => (string)Json["type"]!;
    public string AssetId => (string)Json["data"]!["assetId"]!;

    /// <summary>
    /// Whether one of the header's signatures is the Standard Webhooks signature with <paramref name="secret"/>:
    /// <c>v1,</c> and the base64 of HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>, keyed with the secret's bytes.
    /// Computed here from the specification, not with the library the twin signs with, so it checks that library too
    /// (whose own Verify, in 1.1.2, looks at the first signature of a rotated pair only).
    /// </summary>
    public bool VerifiesWith(string secret)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{Id}.{Timestamp}.{Body}")));
        return long.TryParse(Timestamp, out var seconds) && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) < 300
            && Signature.Split(' ').Any(signature => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(expected)));
    }
}

/// <summary>
/// A real HTTP server on a loopback port that records every webhook delivery, with per-path behaviour: answer a status,
/// hang, or (after <see cref="StopAsync"/>) refuse connections until started again on the same port.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<int>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _hanging = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _waiting = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();
    public int Port { get; } = Ports.Free();

    public string UrlOf(string path) => $"http://127.0.0.1:{Port}/{path}";

    public IEnumerable<ReceivedWebhook> At(string path) => Received.Where(r => r.Path == path);

    /// <summary>What <paramref name="path"/> answers from now on (the default is 204).</summary>
    public void Answer(string path, Func<int> status) => _answers[path] = status;

    /// <summary>Whether <paramref name="path"/> never answers (until the caller gives up).</summary>
    public void Hang(string path, bool hang) => _hanging[path] = hang;

    /// <summary>Requests to <paramref name="path"/> hanging now (their caller has not given up yet).</summary>
    public int HangingAt(string path) => _waiting.GetValueOrDefault(path);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/{path}", async (string path, HttpRequest request, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(ct);
            if (_hanging.GetValueOrDefault(path))
            {
                _waiting.AddOrUpdate(path, 1, (_, n) => n + 1);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                finally
                {
                    _waiting.AddOrUpdate(path, 0, (_, n) => n - 1);
                }
            }
            var status = _answers.TryGetValue(path, out var answer) ? answer() : StatusCodes.Status204NoContent;
            Received.Enqueue(new ReceivedWebhook(path, request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(),
                request.Headers["webhook-signature"].ToString(), body, status, request.ContentType ?? "", request.Headers.Link.ToString()));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
