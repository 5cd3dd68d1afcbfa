using System.Security.Cryptography;
using System.Text;

namespace UrbanTwin.Simulator.Mqtt;

/// <summary>A configured API key as the gateway's Secret holds it (<c>Auth__Keys__N__*</c>), with the key itself when the operator gave it.</summary>
public sealed record KeyEntry(string Name, string Role, string[] Scopes, string Hash, string? Key);

/// <summary>
/// Mosquitto's password and ACL files for the twin, made from the gateways' API keys, so a device logs in to
/// Mosquitto with the same key it would send over HTTP and may publish only what the key may write: an unscoped writer
/// the batch topics and every asset's topic, a scoped writer its own assets' topics (Mosquitto's ACL has no prefix
/// match inside a level, so each asset is listed). Every key may follow the rejected topic; the gateways' own user
/// reads the telemetry and writes the refusals.
/// </summary>
public static class MosquittoAuth
{
    public const string GatewayUser = "urbantwin-gateway";
    private const int Iterations = 101; // mosquitto_passwd's default for its PBKDF2-SHA512 ("$7$") hashes

    /// <summary>Reads an env file of <c>Auth__Keys__N__Name|Hash|Role|Scopes__M</c> lines (the urbantwin-api-keys Secret).</summary>
    public static List<KeyEntry> ParseKeys(IEnumerable<string> envLines, IReadOnlyDictionary<string, string> clearKeys)
    {
        var fields = new SortedDictionary<int, Dictionary<string, string>>();
        foreach (var raw in envLines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || !line.StartsWith("Auth__Keys__", StringComparison.Ordinal) || line.IndexOf('=') is var eq && eq < 0)
            {
                continue;
            }
            var path = line[..eq]["Auth__Keys__".Length..].Split("__", 2);
            if (path.Length == 2 && int.TryParse(path[0], out var index))
            {
                (fields.TryGetValue(index, out var key) ? key : fields[index] = new(StringComparer.Ordinal))[path[1]] = line[(eq + 1)..];
            }
        }
        return [.. fields.Values.Where(f => f.ContainsKey("Name") && f.ContainsKey("Hash") && f.ContainsKey("Role")).Select(f => new KeyEntry(
            f["Name"], f["Role"].ToLowerInvariant(),
            [.. f.Where(kv => kv.Key.StartsWith("Scopes__", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value)],
            f["Hash"], clearKeys.GetValueOrDefault(f["Name"])))];
    }

    /// <summary>Whether a key's role may push telemetry (as HTTP's <c>Permission.Write</c>).</summary>
    public static bool Writes(KeyEntry key) => key.Role is "writer" or "admin";

    /// <summary>Why a clear key does not match its configured hash, or null.</summary>
    public static string? CheckKey(KeyEntry key) =>
        key.Key is null ? $"no key given for '{key.Name}'"
        : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Key))) != key.Hash ? $"the key given for '{key.Name}' does not match its hash"
        : null;

    /// <summary>A password file line in Mosquitto 2's own format (what <c>mosquitto_passwd</c> writes).</summary>
    public static string PasswordLine(string user, string password, byte[]? salt = null)
    {
        salt ??= RandomNumberGenerator.GetBytes(12);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA512, 64);
        return $"{user}:$7${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>
    /// The ACL: the gateways' user, then each key. <paramref name="assetsUnder"/> gives the assets under a scope's node
    /// ids (for scoped writers).
    /// </summary>
    public static string Acl(IEnumerable<KeyEntry> keys, Func<string[], IReadOnlyList<string>> assetsUnder, string prefix = "urbantwin/v1")
    {
        var acl = new StringBuilder();
        acl.AppendLine("# Made from the gateways' API keys (Simulator mqtt-auth); make it again when keys, scopes or assets change.");
        acl.AppendLine($"user {GatewayUser}");
        acl.AppendLine($"topic read {prefix}/telemetry/#");
        acl.AppendLine($"topic read {prefix}/assets/+/telemetry");
        acl.AppendLine($"topic write {prefix}/rejected");
        foreach (var key in keys)
        {
            acl.AppendLine();
            acl.AppendLine($"user {key.Name}");
            acl.AppendLine($"topic read {prefix}/rejected");
            if (!Writes(key))
            {
                continue;
            }
            if (key.Scopes.Length == 0)
            {
                acl.AppendLine($"topic write {prefix}/telemetry/#");
                acl.AppendLine($"topic write {prefix}/assets/+/telemetry");
                continue;
            }
            foreach (var asset in assetsUnder(key.Scopes))
            {
                acl.AppendLine($"topic write {prefix}/assets/{asset}/telemetry");
            }
        }
        return acl.ToString();
    }
}
