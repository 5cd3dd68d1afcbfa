using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Demo;

namespace UrbanTwin.Simulator.Checks;

/// <summary>
/// An integrator as the API asks it to behave: batches of readings with a sequence number per asset; an item not
/// acknowledged (503, or <c>unavailable</c> in a 207) is sent again, unchanged, before anything newer for that
/// asset. It keeps the ledger of what was acknowledged, to read back after crashes.
/// </summary>
public sealed class TelemetryWriter(HttpClient http, IReadOnlyList<AssetDefinition> assets, string ack, int seed = 7)
{
    private static readonly JsonSerializerOptions LedgerJson = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    private readonly Random _random = new(seed);
    private readonly long[] _seq = new long[assets.Count];
    private readonly Item?[] _pending = new Item?[assets.Count];
    private readonly DateTimeOffset _epoch = DateTimeOffset.UtcNow.AddMinutes(-2);
    private readonly ConcurrentDictionary<string, Item> _acknowledged = new(StringComparer.Ordinal);
    private int _next;

    public sealed record Item(string AssetId, long Seq, DateTimeOffset Ts, Dictionary<string, double> Metrics);

    /// <summary>The latest acknowledged reading of every asset written to.</summary>
    public IReadOnlyDictionary<string, Item> Acknowledged => _acknowledged;

    public int AcknowledgedItems { get; private set; }
    public int Requests { get; private set; }
    /// <summary>Requests answered with a retryable refusal: 503, or a 207 whose only reasons are <c>unavailable</c>.</summary>
    public int RetryableRefusals { get; private set; }
    /// <summary>Anything else that is not a success: a 500, a non-retryable reason, a dropped connection. Must stay empty.</summary>
    public List<string> Failures { get; } = [];
    public int PendingItems => _pending.Count(p => p is not null);

    /// <summary>Sends one batch of <paramref name="size"/> items (distinct assets, round-robin), retried ones first.</summary>
    public async Task SendBatchAsync(int size)
    {
        var batch = new List<(int Index, Item Item)>(size);
        for (var k = 0; k < Math.Min(size, assets.Count); k++)
        {
            var index = _next;
            _next = (_next + 1) % assets.Count;
            batch.Add((index, _pending[index] ?? NewItem(index)));
        }
        await SendAsync(batch);
    }

    /// <summary>Sends batches until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(int size, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await SendBatchAsync(size);
        }
    }

    /// <summary>Resends every unacknowledged item until none is left (or the deadline passes).</summary>
    public async Task DrainAsync(TimeSpan deadline)
    {
        var started = DateTime.UtcNow;
        while (PendingItems > 0)
        {
            if (DateTime.UtcNow - started > deadline)
            {
                throw new TimeoutException($"{PendingItems} items still not acknowledged after {deadline.TotalSeconds} s.");
            }
            var batch = Enumerable.Range(0, assets.Count).Where(i => _pending[i] is not null).Take(500).Select(i => (i, _pending[i]!)).ToList();
            await SendAsync(batch);
            if (PendingItems > 0)
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>Writes the ledger of acknowledged readings (JSON), to verify later, even from another process.</summary>
    public Task SaveLedgerAsync(string path) => File.WriteAllTextAsync(path, JsonSerializer.Serialize(_acknowledged.Values.OrderBy(i => i.AssetId), LedgerJson));

    public static async Task<Item[]> LoadLedgerAsync(string path) =>
        JsonSerializer.Deserialize<Item[]>(await File.ReadAllTextAsync(path), LedgerJson) ?? [];

    /// <summary>
    /// Reads every ledger entry back through the gateway (retrying a read that fails, or that the gateway answered
    /// stale from its last-seen state, until the deadline, as during a fail-over); returns what differs from what was
    /// acknowledged: empty when every value came back unchanged from the asset itself.
    /// </summary>
    public static async Task<List<string>> ReadBackMismatchesAsync(HttpClient http, IEnumerable<Item> ledger, TimeSpan deadline)
    {
        var mismatches = new ConcurrentBag<string>();
        var started = DateTime.UtcNow;
        await Parallel.ForEachAsync(ledger, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (expected, _) =>
        {
            JsonObject? asset;
            while ((asset = await TryGetAsync(http, expected.AssetId)) is null)
            {
                if (DateTime.UtcNow - started > deadline)
                {
                    mismatches.Add($"{expected.AssetId}: could not be read within {deadline.TotalSeconds} s");
                    return;
                }
                await Task.Delay(200);
            }
            var seq = (long?)asset["lastSeq"];
            var readings = asset["readings"]!.AsObject();
            var values = expected.Metrics.Where(m => (double?)readings[m.Key]?["value"] != m.Value).Select(m => m.Key).ToList();
            if (seq != expected.Seq || values.Count > 0)
            {
                mismatches.Add($"{expected.AssetId}: acknowledged seq {expected.Seq}, read seq {seq}; differing metrics: {string.Join(",", values)}");
            }
        });
        return [.. mismatches];
    }

    private static async Task<JsonObject?> TryGetAsync(HttpClient http, string assetId)
    {
        try
        {
            using var response = await http.GetAsync($"/api/v1/assets/{assetId}");
            return response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<JsonObject>() is { } asset && (bool?)asset["stale"] != true
                ? asset
                : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private Item NewItem(int index)
    {
        var asset = assets[index];
        var seq = ++_seq[index];
        var roll = _random.NextDouble();
        var level = roll < 0.05 ? AlarmLevel.Alarm : roll < 0.15 ? AlarmLevel.Warning : AlarmLevel.None;
        var metrics = ReadingGenerator.Generate(asset.Kind, _random, level).ToDictionary(m => m.Metric, m => m.Value, StringComparer.Ordinal);
        var item = new Item(asset.Id, seq, _epoch.AddMilliseconds(seq), metrics);
        _pending[index] = item;
        return item;
    }

    private async Task SendAsync(List<(int Index, Item Item)> batch)
    {
        var body = JsonSerializer.Serialize(batch.Select(b => new { assetId = b.Item.AssetId, ts = b.Item.Ts, seq = b.Item.Seq, metrics = b.Item.Metrics }));
        Requests++;
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync($"/api/v1/telemetry?ack={ack}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Failures.Add($"request {Requests}: {ex.GetType().Name}: {ex.Message}");
            return;
        }
        using (response)
        {
            var notAcknowledged = new HashSet<int>();
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    break;
                case HttpStatusCode.MultiStatus:
                    var rejected = (await response.Content.ReadFromJsonAsync<JsonObject>())!["rejected"]!.AsArray();
                    foreach (var r in rejected)
                    {
                        var reason = (string)r!["reason"]!;
                        if (reason != "unavailable")
                        {
                            Failures.Add($"request {Requests}: item {r["index"]} ({r["assetId"]}) refused: {reason}: {r["detail"]}");
                        }
                        notAcknowledged.Add((int)r["index"]!);
                    }
                    RetryableRefusals += rejected.All(r => (string)r!["reason"]! == "unavailable") ? 1 : 0;
                    break;
                case HttpStatusCode.ServiceUnavailable when response.Headers.RetryAfter is not null:
                    RetryableRefusals++;
                    notAcknowledged.UnionWith(Enumerable.Range(0, batch.Count));
                    break;
                default:
                    Failures.Add($"request {Requests}: HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    notAcknowledged.UnionWith(Enumerable.Range(0, batch.Count));
                    break;
            }
            for (var k = 0; k < batch.Count; k++)
            {
                if (!notAcknowledged.Contains(k))
                {
                    var (index, item) = batch[k];
                    _pending[index] = null;
                    _acknowledged[item.AssetId] = item;
                    AcknowledgedItems++;
                }
            }
        }
    }
}
