using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Domain.NgsiLd;

/// <summary>
/// Which <c>asset.values</c> events an NGSI-LD subscription is notified of, and the Notification it is sent (clause
/// 5.3.1: <c>id</c>, <c>type</c> Notification, <c>subscriptionId</c>, <c>notifiedAt</c>, <c>data</c> with the entity).
/// The entity is what the event holds of the asset: its metrics (those the change set with <c>observedAt</c>), its
/// status, location and district, compacted with the subscriber's terms.
/// </summary>
public static class NgsiLdNotifications
{
    /// <summary>The asset kinds a subscription watches; null when it watches every kind (no selectors, or one without a type).</summary>
    public static string[]? KindsOf(NgsiLdSubscription subscription) =>
        subscription.Entities.Length == 0 || subscription.Entities.Any(s => s.Kinds is null)
            ? null
            : [.. subscription.Entities.SelectMany(s => s.Kinds!).Distinct(StringComparer.Ordinal)];

    /// <summary>The subscription's selectors, q and geo-query prepared once, for <see cref="Matches"/> to try every event with.</summary>
    public static AssetEntityMatcher MatcherFor(NgsiLdSubscription subscription) =>
        new(new AssetEntityQuery(subscription.Entities, subscription.Q, subscription.Names, null, subscription.Geo, 1));

    /// <summary>
    /// Whether the event concerns an entity the subscription watches, with a watched attribute changed, matching its q
    /// and geo-query (<paramref name="matcher"/>, from <see cref="MatcherFor"/>).
    /// </summary>
    public static bool Matches(NgsiLdSubscription subscription, AssetEntityMatcher matcher, TwinEvent e)
    {
        if (e.Type != TwinEventTypes.AssetValues || e.AssetId is null || e.AssetKind is null)
        {
            return false;
        }
        if (subscription.Watched is { } watched && !(e.Changed ?? []).Any(watched.Contains))
        {
            return false;
        }
        return matcher.Match(Contribution(e), e.Time, e.NodeId) is not null;
    }

    /// <summary>The Notification body, its id the same for the same event (a redelivery is recognisable).</summary>
    public static string Body(NgsiLdSubscription subscription, string subscriptionId, TwinEvent e, DateTimeOffset notifiedAt)
    {
        var entity = Entity(subscription, e);
        if (subscription.JsonLd)
        {
            entity["@context"] = subscription.ContextUrl;
        }
        var notification = new JsonObject
        {
            ["id"] = "urn:ngsi-ld:Notification:" + new Guid(MD5.HashData(Encoding.UTF8.GetBytes(subscriptionId + "\n" + e.Id))),
            ["type"] = "Notification",
            ["subscriptionId"] = subscriptionId,
            ["notifiedAt"] = NgsiLdFormats.Timestamp(notifiedAt),
            ["data"] = new JsonArray(entity),
        };
        return notification.ToJsonString();
    }

    private static JsonObject Entity(NgsiLdSubscription subscription, TwinEvent e)
    {
        var type = AssetEntityTypes.OfKind(e.AssetKind!);
        var entity = new JsonObject { ["id"] = AssetEntityTypes.EntityId(e.AssetKind!, e.AssetId!), ["type"] = Term(subscription, type) };
        void Add(string name, JsonObject normalized, JsonNode? simplified)
        {
            if (subscription.Attributes is { } wanted && !wanted.Contains(name))
            {
                return;
            }
            entity[Term(subscription, name)] = subscription.KeyValues ? simplified : normalized;
        }
        var metrics = AssetCatalog.Get(e.AssetKind!);
        foreach (var value in e.Values ?? [])
        {
            var attribute = new JsonObject { ["type"] = "Property", ["value"] = value.Value };
            if ((e.Changed ?? []).Contains(value.Metric))
            {
                attribute["observedAt"] = NgsiLdFormats.Timestamp(e.Time);
            }
            if (metrics.Metric(value.Metric) is { } metric && AssetEntityTypes.UnitCode(metric.Unit) is { } unit)
            {
                attribute["unitCode"] = unit;
            }
            Add(value.Metric, attribute, JsonValue.Create(value.Value));
        }
        if (e.Status is { } status)
        {
            var text = status.ToString().ToLowerInvariant();
            Add("status", new JsonObject { ["type"] = "Property", ["value"] = text }, JsonValue.Create(text));
        }
        if (e.Location is { } at)
        {
            var point = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(at.Lng, at.Lat) };
            Add("location", new JsonObject { ["type"] = "GeoProperty", ["value"] = point }, point.DeepClone());
        }
        var district = AssetEntityTypes.NodeEntityId(e.NodeId);
        Add("containedIn", new JsonObject { ["type"] = "Relationship", ["object"] = district }, JsonValue.Create(district));
        return entity;
    }

    /// <summary>The asset as the event holds it, in the shape the query matcher tries.</summary>
    private static AssetContribution Contribution(TwinEvent e) =>
        new(e.AssetId!, e.AssetKind!, "", e.Location ?? new Contracts.Topology.GeoPoint(double.NaN, double.NaN), e.Status ?? AssetStatus.Normal, 0, 0,
            DateTimeOffset.MaxValue, 0, e.Values ?? [], e.Time, []);

    /// <summary>A name of the twin's (a type, an attribute) as the subscriber's context writes it.</summary>
    private static string Term(NgsiLdSubscription subscription, string name) => subscription.Terms.GetValueOrDefault(name) ?? name;
}
