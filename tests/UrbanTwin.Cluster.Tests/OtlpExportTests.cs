using System.Collections.Concurrent;
using System.Net;
using System.Text;
using UrbanTwin.Cluster.Tests.Harness;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, a gateway process exports traces, metrics and logs over OTLP
/// (http/protobuf). An HttpListener stands in for the collector and keeps what arrives on each signal's path.
/// A process of its own, because OpenTelemetry and Orleans meters are process-wide.
/// </summary>
public sealed class OtlpExportTests(ITestOutputHelper output) : IDisposable
{
    private readonly HttpListener _collector = new();
    private readonly ConcurrentDictionary<string, int> _received = new();
    private readonly ConcurrentQueue<string> _traceBodies = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("urbantwin-otlp-").FullName;

    [Fact]
    public async Task A_gateway_exports_request_and_grain_call_spans_metrics_and_logs_to_the_configured_collector()
    {
        var collectorPort = Ports.Free();
        _collector.Prefixes.Add($"http://127.0.0.1:{collectorPort}/");
        _collector.Start();
        _ = Task.Run(ReceiveAsync);

        await using var gateway = await LocalCluster.StartEmbeddedGatewayAsync(_directory, new Dictionary<string, string>
        {
            ["Topology__Seed"] = "none",
            ["Simulation__Enabled"] = "false",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{collectorPort}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "urbantwin-gateway",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        }, output);

        using var http = new HttpClient { BaseAddress = gateway.Url };
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/nodes/nowhere")).StatusCode); // asks the topology grain

        await Eventually.Until(() => Task.FromResult(string.Join(',', _received.Keys.Order())),
            signals => signals.Contains("traces") && signals.Contains("metrics") && signals.Contains("logs"),
            TimeSpan.FromSeconds(30), "OTLP posts of traces, metrics and logs");
        // OTLP protobuf keeps scope and service names as plain UTF-8: enough to see whose spans arrived. The request
        // span and the grain calls it made (Orleans activity propagation) are both there.
        string[] expected = ["Microsoft.AspNetCore", "Microsoft.Orleans.Application", "urbantwin-gateway"];
        await Eventually.Until(() => Task.FromResult(string.Join(", ", expected.Where(e => _traceBodies.Any(t => t.Contains(e, StringComparison.Ordinal))))),
            found => found == string.Join(", ", expected), TimeSpan.FromSeconds(30), "spans from ASP.NET Core and from Orleans grain calls");
    }

    public void Dispose()
    {
        _collector.Close();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task ReceiveAsync()
    {
        while (_collector.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _collector.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return; // closed
            }
            var signal = context.Request.Url!.AbsolutePath.TrimStart('/').Replace("v1/", "", StringComparison.Ordinal);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (signal == "traces")
            {
                _traceBodies.Enqueue(Encoding.UTF8.GetString(body.ToArray()));
            }
            _received.AddOrUpdate(signal, 1, (_, n) => n + 1);
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
