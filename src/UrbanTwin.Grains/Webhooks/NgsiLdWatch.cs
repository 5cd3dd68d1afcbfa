using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Grains.Webhooks;

/// <summary>
/// The asset kinds some active NGSI-LD subscription watches, as this silo knows them: assets of these kinds log an
/// <c>asset.values</c> event with each accepted change, and no other asset pays for it. Learned from the subscriptions
/// by <see cref="WebhookKeeper"/> every <c>Webhooks:KeepAliveInterval</c>, and at once from a subscription made or
/// changed on this silo (other silos learn it on their next round, so a subscription may miss changes on them until then).
/// </summary>
public sealed class NgsiLdWatch
{
    private volatile HashSet<string> _kinds = [];

    public bool Watches(string kind) => _kinds.Contains(kind);

    /// <summary>The kinds the subscriptions watch now (what the keeper found).</summary>
    public void Set(IEnumerable<NgsiLdSubscription> subscriptions) => _kinds = [.. subscriptions.SelectMany(KindsOf)];

    /// <summary>One subscription's kinds, added at once.</summary>
    public void Add(NgsiLdSubscription subscription) => _kinds = [.. _kinds, .. KindsOf(subscription)];

    private static IEnumerable<string> KindsOf(NgsiLdSubscription subscription) =>
        NgsiLdNotifications.KindsOf(subscription) ?? AssetCatalog.Kinds.Select(k => k.Name);
}
