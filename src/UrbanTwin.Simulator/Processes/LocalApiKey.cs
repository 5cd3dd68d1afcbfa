using System.Security.Cryptography;
using System.Text;

namespace UrbanTwin.Simulator.Processes;

/// <summary>
/// A random admin key for a deployment this process starts itself (tests, local clusters): the gateway is given
/// only its hash, as in production, and the clients send the key.
/// </summary>
public sealed class LocalApiKey
{
    public const string HeaderName = "X-Api-Key";

    public LocalApiKey(string name = "local-admin", string role = "admin", params string[] scopes)
    {
        Name = name;
        Role = role;
        Scopes = scopes;
    }

    public string Name { get; }
    public string Role { get; }
    public string[] Scopes { get; }
    public string Key { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));

    /// <summary>The key as <c>Auth:Keys:index</c> environment settings.</summary>
    public void AddTo(IDictionary<string, string> settings, int index = 0)
    {
        settings[$"Auth__Keys__{index}__Name"] = Name;
        settings[$"Auth__Keys__{index}__Hash"] = Hash;
        settings[$"Auth__Keys__{index}__Role"] = Role;
        for (var i = 0; i < Scopes.Length; i++)
        {
            settings[$"Auth__Keys__{index}__Scopes__{i}"] = Scopes[i];
        }
    }

    public HttpClient Authorize(HttpClient http)
    {
        http.DefaultRequestHeaders.Add(HeaderName, Key);
        return http;
    }
}
