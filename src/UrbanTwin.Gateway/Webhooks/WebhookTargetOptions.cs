using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Webhooks;

/// <summary>
/// Where subscriptions may point (section <c>Webhooks</c>, shared with the silos, which check every connection again):
/// public addresses only, unless <see cref="AllowPrivateTargets"/> or the host is listed in <see cref="AllowedHosts"/>.
/// </summary>
public sealed class WebhookTargetOptions
{
    public const string Section = "Webhooks";

    public bool AllowPrivateTargets { get; set; }

    public string[]? AllowedHosts { get; set; }

    /// <summary>Subscriptions the twin holds at most (each polls the event log and holds a consumer group there).</summary>
    public int MaxSubscriptions { get; set; } = 1000;
}

public sealed class WebhookTargetRules : SettingsRules<WebhookTargetOptions>
{
    protected override string Section => WebhookTargetOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(WebhookTargetOptions o) =>
    [
        ((o.AllowedHosts ?? []).All(h => Uri.CheckHostName(h) != UriHostNameType.Unknown), nameof(o.AllowedHosts), "must hold host names or addresses"),
        Between(o.MaxSubscriptions, 1, 100_000, nameof(o.MaxSubscriptions)),
    ];
}
