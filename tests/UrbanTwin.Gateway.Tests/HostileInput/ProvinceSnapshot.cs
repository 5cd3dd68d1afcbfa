using System.Text.Json.Nodes;

namespace UrbanTwin.Gateway.Tests.HostileInput;

/// <summary>
/// Everything the API says about the province, as the exact response bytes: the topology, every node with its
/// indicators, every asset (the paged list, and in full the assets the hostile requests aim at) and every alarm.
/// Two snapshots are equal only if not one byte of state anyone can read has changed.
/// </summary>
public sealed class ProvinceSnapshot
{
    private readonly SortedDictionary<string, string> _responses = new(StringComparer.Ordinal);

    private ProvinceSnapshot()
    {
    }

    public int Responses => _responses.Count;

    public static async Task<ProvinceSnapshot> TakeAsync(HttpClient http, IEnumerable<string> assetsInFull)
    {
        var snapshot = new ProvinceSnapshot();
        var topology = await snapshot.GetAsync(http, "/api/v1/topology");
        foreach (var node in JsonNode.Parse(topology)!["nodes"]!.AsArray())
        {
            var id = (string)node!["id"]!;
            await snapshot.GetAsync(http, $"/api/v1/nodes/{id}");
            await snapshot.GetAsync(http, $"/api/v1/nodes/{id}/indicators");
        }
        for (string? cursor = null, path = "/api/v1/assets?limit=1000"; path is not null; path = cursor is null ? null : $"/api/v1/assets?limit=1000&cursor={Uri.EscapeDataString(cursor)}")
        {
            cursor = (string?)JsonNode.Parse(await snapshot.GetAsync(http, path))!["nextCursor"];
        }
        foreach (var asset in assetsInFull)
        {
            await snapshot.GetAsync(http, $"/api/v1/assets/{asset}");
        }
        await snapshot.GetAsync(http, "/api/v1/alarms?limit=1000");
        return snapshot;
    }

    /// <summary>
    /// Waits until the province is quiet: two snapshots a <paramref name="quietWindow"/> apart agree. Roll-ups of
    /// earlier writes travel up one level per publish interval, so two quick snapshots can agree while a change is
    /// still on its way; the window must outlast the whole trip (asset, district, city, cluster, province).
    /// </summary>
    public static async Task<ProvinceSnapshot> SettledAsync(HttpClient http, IEnumerable<string> assetsInFull, TimeSpan quietWindow)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var previous = await TakeAsync(http, assetsInFull);
        while (true)
        {
            await Task.Delay(quietWindow);
            var now = await TakeAsync(http, assetsInFull);
            var changed = previous.DifferencesFrom(now);
            if (changed.Count == 0)
            {
                return now;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the province did not settle within 60 s; still changing: " + string.Join("\n", changed.Take(5)));
            }
            previous = now;
        }
    }

    /// <summary>The paths whose responses differ, each with the first differing stretch of both.</summary>
    public List<string> DifferencesFrom(ProvinceSnapshot other)
    {
        var differences = new List<string>();
        foreach (var path in _responses.Keys.Union(other._responses.Keys))
        {
            var mine = _responses.GetValueOrDefault(path) ?? "(absent)";
            var theirs = other._responses.GetValueOrDefault(path) ?? "(absent)";
            if (mine != theirs)
            {
                var at = Enumerable.Range(0, Math.Min(mine.Length, theirs.Length)).FirstOrDefault(i => mine[i] != theirs[i]);
                differences.Add($"{path}: …{Excerpt(mine, at)}… became …{Excerpt(theirs, at)}…");
            }
        }
        return differences;
    }

    private static string Excerpt(string text, int at) => text.Substring(Math.Max(0, at - 40), Math.Min(120, text.Length - Math.Max(0, at - 40)));

    private async Task<string> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        _responses[path] = $"{(int)response.StatusCode} {body}";
        return body;
    }
}
