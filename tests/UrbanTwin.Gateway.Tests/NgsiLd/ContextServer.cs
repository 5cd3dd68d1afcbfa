using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace UrbanTwin.Gateway.Tests.NgsiLd;

/// <summary>
/// A real HTTP server on a loopback port that serves JSON-LD context documents, as an integrator's context host would:
/// <c>/{name}</c> answers what <see cref="Serve"/> set, <c>/slow</c> never answers in time, others are 404; it counts
/// the requests for each path (to see the broker's cache at work). An <see cref="HttpListener"/>, not a second ASP.NET
/// Core host: one in this process would publish the hosting meter again, and its disposal takes the gateway's
/// <c>http.server.*</c> metrics out of the Prometheus scrape.
/// </summary>
public sealed class ContextServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _serving;

    public ContextServer() => _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");

    public int Port { get; } = Ports.Free();
    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    public string UrlOf(string name) => $"http://127.0.0.1:{Port}/{name}";

    public void Serve(string name, string document) => _documents[name] = document;

    public Task StartAsync()
    {
        _listener.Start();
        _serving = Task.Run(ServeAsync);
        return Task.CompletedTask;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var name = context.Request.Url!.AbsolutePath.Trim('/');
        Requests.AddOrUpdate(name, 1, (_, n) => n + 1);
        try
        {
            if (name == "slow")
            {
                await Task.Delay(TimeSpan.FromSeconds(30), _stop.Token);
            }
            if (!_documents.TryGetValue(name, out var document))
            {
                context.Response.StatusCode = 404;
                context.Response.Close();
                return;
            }
            var body = Encoding.UTF8.GetBytes(document);
            context.Response.ContentType = "application/ld+json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body, _stop.Token);
            context.Response.Close();
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            context.Response.Abort();
        }
        catch (HttpListenerException)
        {
            // the broker gave up on it (a timeout test)
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        if (_serving is not null)
        {
            await _serving;
        }
        _stop.Dispose();
    }
}
