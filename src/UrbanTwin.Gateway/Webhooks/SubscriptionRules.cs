using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Domain.Webhooks;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Webhooks;

/// <summary>What a subscription request must be, field by field: every error names its field.</summary>
public sealed class SubscriptionRules(IOptions<WebhookTargetOptions> options)
{
    public const int MaxDescriptionLength = 500;

    /// <summary>The URL's errors: its form, and (unless allowed) whether its host is on a private address.</summary>
    public async Task<List<FieldError>> CheckUrlAsync(string? url, CancellationToken cancellationToken)
    {
        if (WebhookTargets.CheckForm(url, out var uri) is { } error)
        {
            return [new FieldError("url", error)];
        }
        var settings = options.Value;
        var host = uri!.IdnHost;
        if (WebhookTargets.MayBePrivate(host, settings.AllowPrivateTargets, settings.AllowedHosts ?? []))
        {
            return [];
        }
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return [new FieldError("url", $"host '{host}' does not resolve")];
        }
        return addresses.Any(WebhookTargets.IsPrivate)
            ? [new FieldError("url", $"'{host}' is a loopback, private or link-local address, which webhooks may not reach "
                + "(unless Webhooks:AllowPrivateTargets is true or the host is in Webhooks:AllowedHosts)")]
            : [];
    }

    /// <summary>The filter the fields make, or the errors; a node outside the caller's scope is for the caller to refuse (403).</summary>
    public static WebhookFilter? CheckFilter(string[]? events, string? node, string[]? kinds, string? minLevel, Caller caller, NodeDirectory.Tree tree,
        List<FieldError> errors)
    {
        if (events is not { Length: > 0 })
        {
            errors.Add(new FieldError("events", "at least one event type: " + string.Join(", ", Contracts.Events.TwinEventTypes.All) + ", alarm.* or *"));
        }
        else if (events.Length > WebhookFilters.MaxEvents)
        {
            errors.Add(new FieldError("events", $"at most {WebhookFilters.MaxEvents} entries"));
        }
        else
        {
            for (var i = 0; i < events.Length; i++)
            {
                if (events[i] is not { } pattern || !WebhookFilters.IsKnown(pattern))
                {
                    errors.Add(new FieldError($"events[{i}]", "not an event type: " + string.Join(", ", Contracts.Events.TwinEventTypes.All) + ", a family such as alarm.*, or *"));
                }
            }
        }
        if (node is not null && tree.Find(node) is null)
        {
            errors.Add(new FieldError("node", $"there is no node '{node}'"));
        }
        else if (node is null && !caller.Unscoped)
        {
            errors.Add(new FieldError("node", $"required for key '{caller.Name}', which is scoped to {caller.DescribeScope()}"));
        }
        if (kinds is { Length: > WebhookFilters.MaxKinds })
        {
            errors.Add(new FieldError("kinds", $"at most {WebhookFilters.MaxKinds} entries"));
        }
        for (var i = 0; kinds is not null && kinds.Length <= WebhookFilters.MaxKinds && i < kinds.Length; i++)
        {
            if (kinds[i] is not { } kind || AssetCatalog.Find(kind) is null)
            {
                errors.Add(new FieldError($"kinds[{i}]", "not an asset kind: " + string.Join(", ", AssetCatalog.Kinds.Select(k => k.Name))));
            }
        }
        AlarmLevel? level = minLevel switch
        {
            null => null,
            "warning" => AlarmLevel.Warning,
            "alarm" => AlarmLevel.Alarm,
            _ => AlarmLevel.None,
        };
        if (level == AlarmLevel.None)
        {
            errors.Add(new FieldError("minLevel", "must be warning or alarm"));
        }
        return errors.Count == 0 ? new WebhookFilter(events!, node, kinds ?? [], level) : null;
    }

    public static void CheckDescription(string? description, List<FieldError> errors)
    {
        if (description is { } text && (text.Length > MaxDescriptionLength || text.Any(c => char.IsControl(c) && c != '\n')))
        {
            errors.Add(new FieldError("description", $"at most {MaxDescriptionLength} characters, no control characters but line breaks"));
        }
    }
}
