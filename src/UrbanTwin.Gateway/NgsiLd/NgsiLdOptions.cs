using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.NgsiLd;

/// <summary>The NGSI-LD API's settings (section <c>NgsiLd</c>).</summary>
public sealed class NgsiLdOptions
{
    public const string Section = "NgsiLd";

    /// <summary>
    /// Hosts a user <c>@context</c> may be fetched from (<c>host</c> or <c>host:port</c>, over http or https); a context
    /// anywhere else is refused with LdContextNotAvailable. Empty: only the core context, which ships inside the product.
    /// </summary>
    public List<string> ContextHosts { get; set; } = [];

    /// <summary>The most a fetched context document may weigh.</summary>
    public int MaxContextBytes { get; set; } = 256 * 1024;

    /// <summary>How long fetching one context document may take.</summary>
    public TimeSpan ContextTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a fetched context is used before it is fetched again.</summary>
    public TimeSpan ContextCacheTtl { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The most assets a query reads to try a <c>q</c> or <c>attrs</c> the districts cannot (sub-attributes, registered
    /// attributes); beyond it the query is refused with TooManyResults, asking for a narrower one.
    /// </summary>
    public int MaxScannedEntities { get; set; } = 10_000;

    /// <summary>
    /// Readings written through NGSI-LD are answered once stored (as <c>ack=durable</c> telemetry): an NGSI-LD client
    /// has no way to ask, and a 204 should mean the update cannot be lost. False: once applied (<c>ack=accepted</c>).
    /// </summary>
    public bool DurableWrites { get; set; } = true;
}

public sealed class NgsiLdRules : SettingsRules<NgsiLdOptions>
{
    protected override string Section => NgsiLdOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(NgsiLdOptions o) =>
    [
        (o.ContextHosts.All(h => !string.IsNullOrWhiteSpace(h) && Uri.TryCreate("http://" + h, UriKind.Absolute, out var u) && u.Authority.Equals(h, StringComparison.OrdinalIgnoreCase)),
            nameof(o.ContextHosts), "each entry is a host name or host:port, e.g. contexts.example.org or 127.0.0.1:8088"),
        Between(o.MaxContextBytes, 1024, 16 * 1024 * 1024, nameof(o.MaxContextBytes)),
        Positive(o.ContextTimeout, nameof(o.ContextTimeout)),
        Positive(o.ContextCacheTtl, nameof(o.ContextCacheTtl)),
        Between(o.MaxScannedEntities, 1, 1_000_000, nameof(o.MaxScannedEntities)),
    ];
}
