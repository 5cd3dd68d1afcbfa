using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Demo;

namespace UrbanTwin.Simulator.Bench;

public sealed record LoadResult(long Accepted, long Rejected, long FailedRequests, long Requests, TimeSpan Elapsed)
{
    public double AcceptedPerSecond => Accepted / Elapsed.TotalSeconds;
}

/// <summary>
/// Telemetry over real HTTP: <c>connections</c> concurrent senders, each posting batches of <c>batch</c> readings
/// for its own share of the assets (so one asset's readings never race each other and none is refused as
/// out of order), with normal values so no alarm is raised. Bodies are written with a Utf8JsonWriter into a
/// reused buffer, to keep the client's share of the two cores small.
/// </summary>
public sealed class TelemetryLoad(Uri gateway, IReadOnlyList<AssetDefinition> assets, int connections, int batch, string ack)
{
    private static readonly JsonEncodedText AssetIdName = JsonEncodedText.Encode("assetId");
    private static readonly JsonEncodedText TsName = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText MetricsName = JsonEncodedText.Encode("metrics");

    /// <summary>
    /// Sends until <paramref name="duration"/> has passed after <paramref name="warmUp"/> (not counted: the server's
    /// code is still being compiled to its optimized tier); at most <paramref name="ratePerSecond"/> readings a second
    /// in all when given.
    /// </summary>
    public async Task<LoadResult> RunAsync(TimeSpan warmUp, TimeSpan duration, double? ratePerSecond, CancellationToken cancellation = default)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
        var path = $"/api/v1/telemetry?ack={ack}";
        long accepted = 0, rejected = 0, failed = 0, requests = 0;
        var counting = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var clock = Stopwatch.StartNew();

        var senders = Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            var own = assets.Where((_, i) => i % connections == c).ToArray();
            var samples = MetricSets(own, seed: c);
            var buffer = new ArrayBufferWriter<byte>(batch * 128);
            var interval = ratePerSecond is { } rate ? TimeSpan.FromSeconds(batch * connections / rate) : TimeSpan.Zero;
            // Each sender's turn is offset by its share of the interval. Senders started together would post in step:
            // every interval, all their batches at one instant, and a read arriving then waits behind all of them.
            var due = clock.Elapsed + interval * c / connections;
            for (var next = 0; !stop.IsCancellationRequested;)
            {
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, CancellationToken.None);
                }
                due += interval;
                buffer.ResetWrittenCount();
                next = WriteBatch(buffer, own, samples, next, batch);
                using var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
                content.Headers.ContentType = new("application/json");
                try
                {
                    using var response = await http.PostAsync(path, content, stop.Token);
                    var (ok, refused) = Count(await response.Content.ReadAsByteArrayAsync(stop.Token));
                    if (Volatile.Read(ref counting))
                    {
                        Interlocked.Add(ref accepted, ok);
                        Interlocked.Add(ref rejected, refused);
                        Interlocked.Increment(ref requests);
                        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.MultiStatus))
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }, CancellationToken.None)).ToArray();

        await Task.Delay(warmUp, cancellation);
        Volatile.Write(ref counting, true);
        var counted = Stopwatch.StartNew();
        await Task.Delay(duration, cancellation);
        var result = new LoadResult(Interlocked.Read(ref accepted), Interlocked.Read(ref rejected), Interlocked.Read(ref failed),
            Interlocked.Read(ref requests), counted.Elapsed);
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        return result;
    }

    /// <summary>
    /// Writes <paramref name="batch"/> readings (a JSON array) for the assets from <paramref name="next"/> on, round
    /// robin, each with one of its metric sets; the index to go on from. The MQTT load sends the same batches.
    /// </summary>
    internal static int WriteBatch(ArrayBufferWriter<byte> buffer, AssetDefinition[] own, (string Metric, double Value)[][][] samples, int next, int batch)
    {
        using var json = new Utf8JsonWriter(buffer);
        var now = DateTimeOffset.UtcNow;
        json.WriteStartArray();
        for (var i = 0; i < batch; i++, next = (next + 1) % own.Length)
        {
            json.WriteStartObject();
            json.WriteString(AssetIdName, own[next].Id);
            json.WriteString(TsName, now);
            json.WriteStartObject(MetricsName);
            var variants = samples[next];
            foreach (var (metric, value) in variants[(next + i) % variants.Length])
            {
                json.WriteNumber(metric, value);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        return next;
    }

    /// <summary>A few normal readings per asset, generated once: the senders only pick among them.</summary>
    internal static (string Metric, double Value)[][][] MetricSets(AssetDefinition[] own, int seed)
    {
        var random = new Random(seed);
        return [.. own.Select(a => Enumerable.Range(0, 4)
            .Select(_ => ReadingGenerator.Generate(a.Kind, random).Select(s => (s.Metric, s.Value)).ToArray()).ToArray())];
    }

    /// <summary>The answer's <c>accepted</c> count and the length of its <c>rejected</c> list.</summary>
    private static (long Accepted, long Rejected) Count(byte[] body)
    {
        if (body.Length == 0)
        {
            return (0, 0);
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var ok = root.TryGetProperty("accepted", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetInt64() : 0;
            var refused = root.TryGetProperty("rejected", out var r) && r.ValueKind == JsonValueKind.Array ? r.GetArrayLength() : 0;
            return (ok, refused);
        }
        catch (JsonException)
        {
            return (0, 0);
        }
    }
}
