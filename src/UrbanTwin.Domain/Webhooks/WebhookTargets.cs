using System.Net;
using System.Net.Sockets;

namespace UrbanTwin.Domain.Webhooks;

/// <summary>
/// Where a webhook may be delivered. By default not to this host's or the cluster's own network (loopback, private,
/// link-local, carrier-grade NAT, unique-local and multicast ranges): a subscription must not turn the twin into a
/// way of calling services that are not meant to be reachable (server-side request forgery). The check is made when
/// a subscription is created or changed and again on every connection (a name may resolve elsewhere later).
/// </summary>
public static class WebhookTargets
{
    public const int MaxUrlLength = 2048;

    /// <summary>Why <paramref name="url"/> cannot be a target (before any name is resolved), or null when its form is fine.</summary>
    public static string? CheckForm(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return "is required";
        }
        if (url.Length > MaxUrlLength)
        {
            return $"must be at most {MaxUrlLength} characters";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
        {
            return "must be an absolute http or https URL";
        }
        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "must not carry credentials (user:password@); the signature authenticates the twin";
        }
        if (!string.IsNullOrEmpty(parsed.Fragment))
        {
            return "must not have a fragment (#…)";
        }
        uri = parsed;
        return null;
    }

    /// <summary>Whether an address belongs to a range a webhook may not reach unless private targets are allowed.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 10 || b[0] == 0 || b[0] >= 224 // private, "this network", multicast and reserved
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) // link-local (cloud metadata services)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127); // carrier-grade NAT
        }
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
    }

    /// <summary>Whether deliveries to <paramref name="host"/> may go to private addresses: every host when allowed, else the listed ones.</summary>
    public static bool MayBePrivate(string host, bool allowPrivateTargets, IReadOnlyCollection<string> allowedHosts) =>
        allowPrivateTargets || allowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);
}
