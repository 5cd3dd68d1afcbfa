namespace UrbanTwin.Gateway.Security;

public enum AuthMode
{
    /// <summary>No key needed: every caller is an unscoped admin. For a newcomer's embedded run only.</summary>
    Open,

    /// <summary>Every API call needs a configured key.</summary>
    Keys,
}

/// <summary>The <c>Auth</c> section: who may call the API.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Unset: open in embedded mode, keys in cluster mode. A cluster gateway starts open only when this says
    /// <c>open</c> explicitly.
    /// </summary>
    public AuthMode? Mode { get; set; }

    public List<ApiKeyOptions> Keys { get; set; } = [];
}

/// <summary>
/// One API key as configured: never the key itself, only the lowercase hex SHA-256 of it, so configuration,
/// Secrets and logs never hold a usable key.
/// </summary>
public sealed class ApiKeyOptions
{
    public string? Name { get; set; }

    public string? Hash { get; set; }

    public ApiRole? Role { get; set; }

    /// <summary>Node ids the key is confined to (it sees and changes only what is at or below them); empty: everything.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>This key's own rate limit, when it needs another than <c>RateLimit:RequestsPerSecond</c> (a bulk integrator).</summary>
    public int? RequestsPerSecond { get; set; }

    /// <summary>This key's own burst, instead of <c>RateLimit:Burst</c>.</summary>
    public int? Burst { get; set; }
}
