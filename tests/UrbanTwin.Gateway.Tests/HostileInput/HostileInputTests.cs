using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace UrbanTwin.Gateway.Tests.HostileInput;

/// <summary>
/// Tried as an attacker and a careless integrator would: every request here is wrong, and each must be answered
/// with a 4xx and problem details (never a 5xx, never a success), and afterwards every byte the API can show of
/// the province must be what it was before.
/// </summary>
[Collection(HostileInputCollection.Name)]
public class HostileInputTests(HostileInputFixture gateway, ITestOutputHelper output)
{
    private static readonly string[] Watched = [HostileInputFixture.Asset, HostileInputFixture.Tunnel, HostileInputFixture.AlarmAsset];

    [Fact]
    public async Task Every_named_bad_input_is_a_4xx_problem_and_changes_nothing()
    {
        using var http = gateway.CreateClient();
        var before = await ProvinceSnapshot.SettledAsync(http, Watched, HostileInputFixture.QuietWindow);
        var cases = HostileCatalog.All(gateway).ToList();
        var failures = new List<string>();
        foreach (var request in cases)
        {
            if (await request.CheckAsync(http) is { } failure)
            {
                failures.Add(failure);
            }
        }
        var after = await ProvinceSnapshot.TakeAsync(http, Watched);
        output.WriteLine($"{cases.Count} hostile requests; the snapshot compares {before.Responses} responses");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var changed = before.DifferencesFrom(after);
        Assert.True(changed.Count == 0, "state changed:\n" + string.Join("\n", changed.Take(10)));
    }

    public static TheoryData<string> Endpoints => ["telemetry", "telemetry ndjson", "assets", "topology", "indicators", "ack"];

    [Theory, MemberData(nameof(Endpoints))]
    public async Task Thousands_of_generated_mutations_of_a_valid_request_are_all_refused_and_change_nothing(string endpoint)
    {
        const int Mutations = 800;
        using var http = gateway.CreateClient();
        var before = await ProvinceSnapshot.SettledAsync(http, Watched, HostileInputFixture.QuietWindow);
        var (method, path, contentType, body, idFields) = Target(endpoint);
        // A fixed seed per endpoint (string.GetHashCode differs from run to run): a failure comes back the same.
        var fuzzer = new Fuzzer(seed: 20261123 + endpoint.Sum(c => c), idFields);
        var failures = new List<string>();
        var byOperator = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        foreach (var (op, mutated) in fuzzer.Mutate(body, Mutations))
        {
            byOperator[op] = byOperator.GetValueOrDefault(op) + 1;
            var request = new HostileRequest($"{endpoint} {op}: {Printable(mutated)}", method, path, mutated, contentType);
            if (await request.CheckAsync(http) is { } failure)
            {
                failures.Add(failure);
            }
        }
        output.WriteLine($"{Mutations} mutations of {endpoint} in {clock.Elapsed.TotalSeconds:F1} s: " +
            string.Join(", ", byOperator.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} of {Mutations} answered wrongly, e.g.:\n" + string.Join("\n", failures.Take(10)));
        var changed = before.DifferencesFrom(await ProvinceSnapshot.TakeAsync(http, Watched));
        Assert.True(changed.Count == 0, "state changed:\n" + string.Join("\n", changed.Take(10)));
    }

    /// <summary>A valid request for each write endpoint: the seed every mutation starts from.</summary>
    private (HttpMethod, string, string, string, IReadOnlySet<string>) Target(string endpoint)
    {
        var now = DateTimeOffset.UtcNow.ToString("O");
        var reading = $$$"""{"assetId":"{{{HostileInputFixture.Asset}}}","ts":"{{{now}}}","seq":{{{HostileInputFixture.LatestSeq + 1}}},"metrics":{"gasLel":13,"pressure":0.31}}""";
        return endpoint switch
        {
            "telemetry" => (HttpMethod.Post, "/api/v1/telemetry", "application/json", $"[{reading}]", Set("assetId")),
            "telemetry ndjson" => (HttpMethod.Post, "/api/v1/telemetry", "application/x-ndjson", reading, Set("assetId")),
            "assets" => (HttpMethod.Post, "/api/v1/assets", "application/json",
                """[{"id":"fuzz-new-1","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"Fuzz","location":{"lng":112.5,"lat":37.8},"reportingIntervalSeconds":60}]""",
                Set("id", "kind", "nodeId")),
            "topology" => (HttpMethod.Put, "/api/v1/topology", "application/json",
                """{"nodes":[{"id":"fuzz-district","kind":"district","parentId":"taiyuan","name":"Fuzz","population":1000}]}""", Set("id", "kind", "parentId")),
            "indicators" => (HttpMethod.Put, "/api/v1/nodes/taiyuan/indicators", "application/json",
                """{"indicators":[{"name":"hotline.received","period":"2025-Q3","value":10,"source":"fuzz"}]}""", Set("name", "period")),
            _ => (HttpMethod.Post, $"/api/v1/alarms/{Uri.EscapeDataString(gateway.AlarmId)}/ack", "application/json", """{"by":"Li","comment":"fuzz"}""", Set()),
        };
    }

    private static HashSet<string> Set(params string[] names) => new(names, StringComparer.Ordinal);

    private static string Printable(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, 160)]);
        return string.Concat(text.Select(c => char.IsControl(c) ? '¿' : c));
    }
}
