using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using StandardWebhooks;
using UrbanTwin.Domain.Webhooks;

namespace UrbanTwin.Grains.Webhooks;

/// <summary>What became of one delivery attempt.</summary>
/// <param name="RetryAfter">What a 429 or 503 asked for with <c>Retry-After</c>.</param>
/// <param name="Gone">410: the receiver says the subscription should end.</param>
public sealed record DeliveryOutcome(bool Delivered, string? Error = null, TimeSpan? RetryAfter = null, bool Gone = false)
{
    public static readonly DeliveryOutcome Success = new(true);
}

/// <summary>
/// Sends one signed delivery: a POST of the body with the Standard Webhooks headers, signed with each of the
/// subscription's current secrets (during a rotation both, so the receiver may check either). One HTTP client per silo;
/// no redirects are followed, and each connection is checked against the target rules again (a name that resolves
/// to a private address is refused even if it did not when the subscription was made).
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _timeout;

    public WebhookSender(IOptions<WebhookOptions> options, TimeProvider clock)
    {
        var settings = options.Value;
        var allowed = settings.AllowedHosts ?? [];
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = settings.Timeout,
            ConnectCallback = (context, ct) => ConnectAsync(context, WebhookTargets.MayBePrivate(context.DnsEndPoint.Host, settings.AllowPrivateTargets, allowed), ct),
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("UrbanTwin-Webhooks/1.0");
        _clock = clock;
        _timeout = settings.Timeout;
    }

    /// <summary>Delivers <paramref name="body"/> as message <paramref name="id"/> to <paramref name="url"/>; never throws for the receiver's failures.</summary>
    /// <param name="contentType">The body's media type (an NGSI-LD notification in JSON-LD is <c>application/ld+json</c>).</param>
    /// <param name="link">A <c>Link</c> header to send (an NGSI-LD notification in JSON names its context there).</param>
    public async Task<DeliveryOutcome> SendAsync(string url, string id, string body, IReadOnlyList<string> secrets, CancellationToken cancellationToken = default,
        string contentType = "application/json", string? link = null)
    {
        var sentAt = _clock.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (link is not null)
        {
            request.Headers.TryAddWithoutValidation("Link", link);
        }
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", string.Join(' ', secrets.Select(secret => new StandardWebhook(secret).Sign(id, sentAt, body))));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return DeliveryOutcome.Success;
            }
            var error = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
            return response.StatusCode switch
            {
                HttpStatusCode.Gone => new DeliveryOutcome(false, error, Gone: true),
                HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => new DeliveryOutcome(false, error, RetryAfterOf(response, sentAt)),
                _ => new DeliveryOutcome(false, error),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(false, $"no answer within {_timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryOutcome(false, ex.InnerException is { } inner and not SocketException ? $"{ex.Message} ({inner.Message})" : ex.Message);
        }
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date > now => date - now,
        _ => null,
    };

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool mayBePrivate, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var usable = mayBePrivate ? addresses : [.. addresses.Where(a => !WebhookTargets.IsPrivate(a))];
        if (usable.Length == 0)
        {
            throw new HttpRequestException($"{host} is on a private, loopback or link-local address, which webhooks may not reach (Webhooks:AllowPrivateTargets, Webhooks:AllowedHosts)");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();
}
