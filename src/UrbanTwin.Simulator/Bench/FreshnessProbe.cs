using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Simulator.Bench;

/// <summary>How fast a change is seen: an alarm at the province and by a live client, a value by a live client.</summary>
public sealed record FreshnessResult(Percentiles AlarmToProvince, Percentiles AlarmToStream, Percentiles ValueToStream);

/// <summary>
/// From an update to where an operator sees it, while the writers load the gateway. The probe assets are those of
/// <see cref="District"/>, which the writers leave alone; an SSE client watches that district all along.
/// <list type="bullet">
/// <item>Alarm to province: a probe asset is driven into alarm and back, and the province's alarm count is read until
/// it shows it; timed from the moment the POST returned.</item>
/// <item>Alarm to stream: the same transitions, until the district's stream delivers the <c>alarm</c> event; timed
/// from the moment the POST was sent (the event may arrive before the answer).</item>
/// <item>Value to stream: a value change that raises no alarm, until the stream's <c>node</c> event for the district
/// shows it (the maximum of gasLel); timed from the POST's return. Values go up at the publish interval.</item>
/// </list>
/// Everything runs on threads of its own with blocking I/O, and the stream's events are timed as they arrive: the
/// writers' continuations fill this process's thread pool, and a probe waiting there would measure that queue.
/// </summary>
public static class FreshnessProbe
{
    public const string District = "taiyuan-xiaodian";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static Task<FreshnessResult> RunAsync(Uri gateway, IReadOnlyList<AssetDefinition> probes, TimeSpan duration)
    {
        var result = new TaskCompletionSource<FreshnessResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                result.SetResult(Run(gateway, probes, duration));
            }
            catch (Exception ex)
            {
                result.SetException(ex);
            }
        }) { IsBackground = true, Name = "bench-freshness" }.Start();
        return result.Task;
    }

    private static FreshnessResult Run(Uri gateway, IReadOnlyList<AssetDefinition> probes, TimeSpan duration)
    {
        var gas = probes.Where(a => a.Kind == AssetCatalog.GasPipeline).ToArray();
        if (gas.Length < 2)
        {
            throw new InvalidOperationException($"{District} needs two gas pipelines to probe with; it has {gas.Length}.");
        }
        var valueAsset = gas[0];
        var alarmAssets = gas[1..];
        using var http = new HttpClient { BaseAddress = gateway, Timeout = Deadline };
        using var stream = StreamListener.Open(http, $"/api/v1/nodes/{District}/stream");
        var (toProvince, toStream, values) = (new List<double>(), new List<double>(), new List<double>());
        var baseline = ProvinceAlarms(http);
        var ts = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            var asset = alarmAssets[i % alarmAssets.Length];
            foreach (var (lel, type, expected) in new[] { (70.0, "raised", baseline + 1), (3.0, "cleared", baseline) })
            {
                ts = Later(ts);
                var sent = Stopwatch.GetTimestamp();
                Post(http, asset.Id, ts, lel);
                var returned = Stopwatch.GetTimestamp();
                var deadline = Stopwatch.StartNew();
                while (ProvinceAlarms(http) != expected)
                {
                    Check(deadline, $"the province to show {expected} alarms after {asset.Id} at {lel} % LEL");
                    Thread.Sleep(5);
                }
                toProvince.Add(Stopwatch.GetElapsedTime(returned).TotalMilliseconds);
                var seen = stream.WaitFor("alarm", a => (string?)a["alarm"]?["assetId"] == asset.Id && (string?)a["type"] == type,
                    $"the stream's '{type}' alarm event for {asset.Id}");
                toStream.Add(Stopwatch.GetElapsedTime(sent, seen).TotalMilliseconds);
            }

            if (i % 2 == 1)
            {
                continue; // a value sample every other round: the alarm transitions get the most samples
            }
            // A value only: distinct from the previous one, above every other probe's resting 3 % LEL, below any threshold.
            ts = Later(ts);
            var value = 5 + i % 100 * 0.1;
            Post(http, valueAsset.Id, ts, value);
            var posted = Stopwatch.GetTimestamp();
            var shown = stream.WaitFor("node", n => (string?)n["id"] == District && (double?)n["metrics"]?["gasLel"]?["max"] == value,
                $"the district's gasLel max of {value} on the stream");
            values.Add(Math.Max(0, Stopwatch.GetElapsedTime(posted, shown).TotalMilliseconds));
        }
        return new FreshnessResult(Percentiles.Of(toProvince), Percentiles.Of(toStream), Percentiles.Of(values));
    }

    private static DateTimeOffset Later(DateTimeOffset ts)
    {
        var now = DateTimeOffset.UtcNow;
        return now > ts ? now : ts.AddMilliseconds(1);
    }

    private static void Post(HttpClient http, string assetId, DateTimeOffset ts, double gasLel)
    {
        var body = $$$"""[{"assetId":"{{{assetId}}}","ts":"{{{ts:O}}}","metrics":{"gasLel":{{{gasLel}}}}}]""";
        using var response = http.Send(new HttpRequestMessage(HttpMethod.Post, "/api/v1/telemetry")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        });
        response.EnsureSuccessStatusCode();
    }

    private static int ProvinceAlarms(HttpClient http)
    {
        using var response = http.Send(new HttpRequestMessage(HttpMethod.Get, "/api/v1/nodes/shanxi"));
        response.EnsureSuccessStatusCode();
        return (int)JsonNode.Parse(response.Content.ReadAsStream())!["activeAlarms"]!["alarm"]!;
    }

    private static void Check(Stopwatch waited, string what)
    {
        if (waited.Elapsed > Deadline)
        {
            throw new TimeoutException($"waited {Deadline.TotalSeconds:F0} s for {what}");
        }
    }

    /// <summary>An SSE client on a thread of its own: each event is stamped (Stopwatch) as its last line is read.</summary>
    private sealed class StreamListener : IDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly BlockingCollection<(string Name, JsonNode Data, long ArrivedAt)> _events = new();

        private StreamListener(HttpResponseMessage response)
        {
            _response = response;
            new Thread(Read) { IsBackground = true, Name = "bench-stream" }.Start();
        }

        public static StreamListener Open(HttpClient http, string path)
        {
            var response = http.Send(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            return new StreamListener(response);
        }

        /// <summary>When the first event called <paramref name="name"/> that matches arrived (a Stopwatch timestamp); others are passed over.</summary>
        public long WaitFor(string name, Func<JsonNode, bool> match, string what)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var left = Deadline - waited.Elapsed;
                if (left <= TimeSpan.Zero || !_events.TryTake(out var e, left))
                {
                    throw new TimeoutException($"waited {Deadline.TotalSeconds:F0} s for {what}");
                }
                if (e.Name == name && match(e.Data))
                {
                    return e.ArrivedAt;
                }
            }
        }

        private void Read()
        {
            try
            {
                using var reader = new StreamReader(_response.Content.ReadAsStream(), Encoding.UTF8);
                var lines = new Live.SseLines();
                while (reader.ReadLine() is { } line)
                {
                    if (lines.Take(line) is var (name, data))
                    {
                        _events.Add((name, JsonNode.Parse(data)!, Stopwatch.GetTimestamp()));
                    }
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or IOException or HttpRequestException)
            {
                // The probe is over (disposed), or the connection closed: the next WaitFor then times out and says so.
            }
        }

        public void Dispose()
        {
            _events.CompleteAdding();
            _response.Dispose();
        }
    }
}
