using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Hosting;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Gateway.Security;

/// <summary>A configured key, as the gateway holds it: its hash, never the key.</summary>
public sealed record ApiKey(string Name, ApiRole Role, string[] Scopes, int? RequestsPerSecond = null, int? Burst = null);

/// <summary>
/// The configured keys, checked once at start-up (a bad entry stops the gateway, naming it), looked up by the
/// SHA-256 of the key a request presents. Keys are long random strings, so an unsalted fast hash is enough: there
/// is nothing to guess from it, unlike a password.
/// </summary>
public sealed class ApiKeyRing
{
    /// <summary>Longer presented keys are refused unhashed (a key is 32–128 characters; see docs/security.md).</summary>
    public const int MaxKeyLength = 256;

    private readonly Dictionary<string, ApiKey> _byHash;
    private readonly Dictionary<string, ApiKey> _byName;

    public ApiKeyRing(IOptions<AuthOptions> options, RunMode runMode)
    {
        var auth = options.Value;
        Mode = auth.Mode ?? (runMode.IsCluster ? AuthMode.Keys : AuthMode.Open);
        ExplicitlyOpen = auth.Mode == AuthMode.Open;
        var errors = Validate(auth.Keys);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions), errors);
        }
        _byHash = auth.Keys.ToDictionary(k => k.Hash!, k => new ApiKey(k.Name!, k.Role!.Value, [.. k.Scopes], k.RequestsPerSecond, k.Burst),
            StringComparer.Ordinal);
        Keys = [.. _byHash.Values.OrderBy(k => k.Name, StringComparer.Ordinal)];
        _byName = Keys.ToDictionary(k => k.Name, StringComparer.Ordinal);
    }

    public AuthMode Mode { get; }

    /// <summary>Open because configuration said so (as opposed to the embedded default).</summary>
    public bool ExplicitlyOpen { get; }

    public IReadOnlyList<ApiKey> Keys { get; }

    public ApiKey? Find(string presented)
    {
        if (presented.Length is 0 or > MaxKeyLength)
        {
            return null;
        }
        return _byHash.GetValueOrDefault(HashOf(presented));
    }

    public ApiKey? Named(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The form <c>Auth:Keys:N:Hash</c> takes: lowercase hex SHA-256 of the key's UTF-8 bytes.</summary>
    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static List<string> Validate(List<ApiKeyOptions> keys)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            var at = $"Auth:Keys:{i}";
            if (!Identifiers.IsValidNodeId(key.Name))
            {
                errors.Add($"{at}:Name: {Identifiers.Describe(Identifiers.MaxNodeIdLength)}");
            }
            else if (!names.Add(key.Name!))
            {
                errors.Add($"{at}:Name: '{key.Name}' is used by an earlier key");
            }
            if (key.Hash is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigitLower))
            {
                errors.Add($"{at}:Hash: the lowercase hex SHA-256 of the key (64 characters of 0-9a-f), never the key itself");
            }
            else if (!hashes.Add(hash))
            {
                errors.Add($"{at}:Hash: the same key is configured twice");
            }
            if (key.Role is not { } role || !Enum.IsDefined(role))
            {
                errors.Add($"{at}:Role: one of reader, writer, operator, admin");
            }
            if (key.RequestsPerSecond is < 0 || key.Burst is < 1)
            {
                errors.Add($"{at}: RequestsPerSecond must be ≥ 0 (0: unlimited) and Burst ≥ 1");
            }
            for (var s = 0; s < key.Scopes.Count; s++)
            {
                if (!Identifiers.IsValidNodeId(key.Scopes[s]))
                {
                    errors.Add($"{at}:Scopes:{s}: a node id ({Identifiers.Describe(Identifiers.MaxNodeIdLength)})");
                }
            }
        }
        return errors;
    }
}
