using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace UrbanTwin.Simulator.Mqtt;

/// <summary>
/// <c>mqtt-auth</c>: writes Mosquitto's <c>passwords</c> and <c>acl</c> files (and the gateways' broker password) from
/// the API keys, for the <c>urbantwin-mosquitto-auth</c> and <c>urbantwin-mqtt</c> Secrets of <c>k8s/components/mqtt</c>.
/// </summary>
internal static class MqttAuthCommand
{
    public static async Task<int> RunAsync(string keysFile, string secretsFile, string url, string outDirectory, string? gatewayPassword)
    {
        var clear = File.ReadAllLines(secretsFile)
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('='))
            .ToDictionary(l => l[..l.IndexOf('=')].Trim(), l => l[(l.IndexOf('=') + 1)..].Trim(), StringComparer.Ordinal);
        var keys = MosquittoAuth.ParseKeys(File.ReadAllLines(keysFile), clear);
        if (keys.Count == 0)
        {
            Console.Error.WriteLine($"{keysFile} has no Auth__Keys__N__Name/Hash/Role entries");
            return 2;
        }
        var problems = keys.Select(MosquittoAuth.CheckKey).OfType<string>().ToList();
        if (problems.Count > 0)
        {
            Console.Error.WriteLine(string.Join(Environment.NewLine, problems) + $" (give each key as name=key in {secretsFile})");
            return 2;
        }

        var assets = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (keys.Any(k => MosquittoAuth.Writes(k) && k.Scopes.Length > 0))
        {
            using var http = GatewayClient.Create(url, TimeSpan.FromSeconds(60));
            if (await GatewayClient.AccessProblemAsync(http) is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            foreach (var scope in keys.Where(k => MosquittoAuth.Writes(k)).SelectMany(k => k.Scopes).Distinct(StringComparer.Ordinal))
            {
                assets[scope] = await AssetsUnderAsync(http, scope);
            }
        }

        Directory.CreateDirectory(outDirectory);
        var generated = gatewayPassword is null;
        gatewayPassword ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await File.WriteAllLinesAsync(Path.Combine(outDirectory, "passwords"),
            [MosquittoAuth.PasswordLine(MosquittoAuth.GatewayUser, gatewayPassword), .. keys.Select(k => MosquittoAuth.PasswordLine(k.Name, k.Key!))]);
        await File.WriteAllTextAsync(Path.Combine(outDirectory, "acl"),
            MosquittoAuth.Acl(keys, scopes => [.. scopes.SelectMany(s => assets[s]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]));
        if (generated)
        {
            await File.WriteAllTextAsync(Path.Combine(outDirectory, "gateway-password"), gatewayPassword);
        }
        Console.WriteLine($"wrote {outDirectory}/passwords and {outDirectory}/acl for {keys.Count} keys" +
            (assets.Count > 0 ? $" ({assets.Values.Sum(a => a.Count)} asset topics for scoped writers)" : "") +
            (generated ? $", and the gateways' broker password in {outDirectory}/gateway-password" : ""));
        Console.WriteLine("  kubectl -n urbantwin create secret generic urbantwin-mosquitto-auth " +
            $"--from-file={outDirectory}/passwords --from-file={outDirectory}/acl");
        Console.WriteLine($"  kubectl -n urbantwin create secret generic urbantwin-mqtt --from-literal=password=<the gateways' password>");
        return 0;
    }

    /// <summary>Every asset under a node, through the paged search (as a scoped key would see them).</summary>
    private static async Task<IReadOnlyList<string>> AssetsUnderAsync(HttpClient http, string node)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await http.GetFromJsonAsync<JsonObject>($"/api/v1/assets?node={Uri.EscapeDataString(node)}&limit=1000"
                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            ids.AddRange(page!["items"]!.AsArray().Select(i => (string)i!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return ids;
    }
}
