using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Gateway.NgsiLd.Entities;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.NgsiLd.Query;

using static UrbanTwin.Gateway.NgsiLd.NgsiLdJson;
namespace UrbanTwin.Gateway.NgsiLd.Subscriptions;

/// <summary>A subscription as read: its id (when given), what it watches and how it notifies, its endpoint and its state.</summary>
public sealed record SubscriptionRequest(string? Id, NgsiLdSubscription Ngsi, string Endpoint, string? Description, bool IsActive);

/// <summary>
/// Reads an NGSI-LD Subscription (clause 5.2.12): <c>type</c> Subscription, <c>entities</c> (selectors of the assets'
/// types), <c>watchedAttributes</c> (the assets' metrics), <c>q</c> (on what a change holds: metrics, status, name,
/// location, district), <c>geoQ</c>, <c>notification</c> (<c>attributes</c>, <c>format</c> normalized or keyValues,
/// <c>endpoint</c> with <c>uri</c> and <c>accept</c>), <c>throttling</c>, <c>expiresAt</c>, <c>isActive</c>,
/// <c>description</c>. What this broker does not do is OperationNotSupported; anything malformed BadRequestData.
/// </summary>
public static class SubscriptionReader
{
    private static readonly HashSet<string> Members = new(StringComparer.Ordinal)
    {
        "id", "type", "subscriptionName", "description", "entities", "watchedAttributes", "q", "geoQ", "notification", "expiresAt", "throttling",
        "isActive", "@context", "status",
    };

    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "timeInterval", "temporalQ", "scopeQ", "lang", "csf", "notificationTrigger", "jsonldContext", "showChanges", "localOnly",
    };

    /// <summary>The names a notification may carry besides the metrics: what an <c>asset.values</c> event holds.</summary>
    private static readonly string[] EventAttributes = ["status", "location", "containedIn"];

    /// <param name="context">The context the subscription's names are written in.</param>
    /// <param name="notifyWith">The context notifications are compacted with, the one <paramref name="contextUrl"/> names.</param>
    public static SubscriptionRequest Read(JsonObject body, LdContext context, LdContext notifyWith, string contextUrl, DateTimeOffset now)
    {
        foreach (var (name, _) in body)
        {
            if (Unsupported.Contains(name))
            {
                throw new NgsiLdException(NgsiLdError.OperationNotSupported($"{name}: not supported by this broker"));
            }
            if (!Members.Contains(name))
            {
                throw Bad(name, "not a member of a Subscription");
            }
        }
        if (Text(body, "type") != "Subscription")
        {
            throw Bad("type", "must be \"Subscription\"");
        }
        var id = Text(body, "id");
        if (id is not null && !Uri.TryCreate(id, UriKind.Absolute, out _))
        {
            throw Bad("id", $"'{id}' is not a URI");
        }
        var selectors = Entities(body["entities"], context);
        var watched = Names(body["watchedAttributes"], "watchedAttributes", context);
        if (selectors.Length == 0 && watched is null)
        {
            throw Bad("entities", "a subscription names entities, watchedAttributes or both");
        }
        foreach (var name in watched ?? [])
        {
            if (!AssetCatalog.Kinds.Any(k => k.Metric(name) is not null))
            {
                throw Bad("watchedAttributes", $"'{name}' is not a metric of any asset kind: a change of one is what notifies");
            }
        }
        var (q, names) = Query(Text(body, "q"), context);
        var otherProperty = false;
        var geo = body["geoQ"] is { } geoQ ? EntityQueryReader.GeoQ(geoQ, context, out otherProperty) : null;
        if (otherProperty)
        {
            throw Bad("geoQ.geoproperty", "an asset's only GeoProperty is location");
        }
        var (endpoint, attributes, keyValues, acceptJsonLd) = Notification(body["notification"], context);
        var throttling = body["throttling"] switch
        {
            null => (int?)null,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var seconds) && seconds >= 0 && seconds <= 86_400 => (int)Math.Ceiling(seconds),
            _ => throw Bad("throttling", "seconds, a number from 0 to 86,400"),
        };
        DateTimeOffset? expiresAt = Text(body, "expiresAt") is { } text
            ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && text.Contains('T', StringComparison.Ordinal)
                ? at > now ? at : throw Bad("expiresAt", "must be in the future")
                : throw Bad("expiresAt", "an RFC 3339 date-time, e.g. 2027-01-01T00:00:00Z")
            : null;
        var isActive = body["isActive"] switch
        {
            null => true,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => throw Bad("isActive", "true or false"),
        };
        var description = Text(body, "description") ?? Text(body, "subscriptionName");
        var document = body.DeepClone().AsObject();
        document.Remove("@context");
        document.Remove("status");
        var ngsi = new NgsiLdSubscription(selectors, watched, q, names, geo, attributes, keyValues, acceptJsonLd, contextUrl, Terms(notifyWith), throttling,
            expiresAt, document.ToJsonString());
        return new SubscriptionRequest(id, ngsi, endpoint, description, isActive);
    }

    private static EntitySelector[] Entities(JsonNode? node, LdContext context)
    {
        if (node is null)
        {
            return [];
        }
        if (node is not JsonArray { Count: > 0 } list)
        {
            throw Bad("entities", "a non-empty array of entity selectors");
        }
        var selectors = new List<EntitySelector>();
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"entities[{i}]";
            if (list[i] is not JsonObject selector || selector.Any(m => m.Key is not ("type" or "id" or "idPattern")))
            {
                throw Bad(path, "an object with type, and id or idPattern");
            }
            var type = Text(selector, "type", path + ".type") ?? throw Bad(path + ".type", "required");
            var kind = EntityTypes.KindOf(ContextResolver.Core.Compact(context.Expand(type)))
                ?? throw new NgsiLdException(NgsiLdError.OperationNotSupported(
                    $"{path}.type: {type}: subscriptions watch the assets' types ({string.Join(", ", EntityTypes.AssetTypes)})"));
            var id = Text(selector, "id", path + ".id");
            if (id is not null && !Uri.TryCreate(id, UriKind.Absolute, out _))
            {
                throw Bad(path + ".id", $"'{id}' is not a URI");
            }
            var pattern = Text(selector, "idPattern", path + ".idPattern");
            if (pattern is not null)
            {
                try
                {
                    _ = new System.Text.RegularExpressions.Regex(pattern);
                }
                catch (ArgumentException ex)
                {
                    throw Bad(path + ".idPattern", $"not a regular expression: {ex.Message}");
                }
            }
            selectors.Add(new EntitySelector([kind], id is null ? null : [id], pattern));
        }
        return [.. selectors];
    }

    /// <summary>A q on what a change holds, with its names as the twin's; BadRequestData for anything else.</summary>
    private static (string? Q, Dictionary<string, string>? Names) Query(string? q, LdContext context)
    {
        if (q is null)
        {
            return (null, null);
        }
        QueryExpression expression;
        try
        {
            expression = QueryExpression.Parse(q);
        }
        catch (QuerySyntaxException ex)
        {
            throw Bad("q", ex.Message);
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in expression.Paths)
        {
            var twin = ContextResolver.Core.Compact(context.Expand(path.Attribute));
            if (path.Names.Length > 1 || path.Members.Length > 0 || !AssetEntityMatcher.Answerable(twin))
            {
                throw Bad("q", $"'{path}': a subscription's q names what a change holds (an asset's metrics, status, name, activeAlarms, containedIn), not sub-attributes");
            }
            names[path.Attribute] = twin;
        }
        return (q, names);
    }

    private static (string Endpoint, string[]? Attributes, bool KeyValues, bool JsonLd) Notification(JsonNode? node, LdContext context)
    {
        if (node is not JsonObject notification)
        {
            throw Bad("notification", "required: an object with an endpoint");
        }
        foreach (var (name, _) in notification)
        {
            if (name is "sysAttrs" or "showChanges" or "lang" or "receiverInfo" or "notifierInfo")
            {
                throw new NgsiLdException(NgsiLdError.OperationNotSupported($"notification.{name}: not supported by this broker"));
            }
            if (name is not ("attributes" or "format" or "endpoint" or "status" or "timesSent" or "lastNotification" or "lastFailure" or "lastSuccess"))
            {
                throw Bad("notification." + name, "not a member of a NotificationParams");
            }
        }
        var attributes = Names(notification["attributes"], "notification.attributes", context);
        var keyValues = Text(notification, "format", "notification.format") switch
        {
            null or "normalized" => false,
            "keyValues" or "simplified" => true,
            "concise" => throw new NgsiLdException(NgsiLdError.OperationNotSupported("notification.format: concise is not supported by this broker")),
            var other => throw Bad("notification.format", $"'{other}' is not normalized or keyValues"),
        };
        if (notification["endpoint"] is not JsonObject endpoint)
        {
            throw Bad("notification.endpoint", "required: an object with a uri");
        }
        if (endpoint.Any(m => m.Key is not ("uri" or "accept")))
        {
            throw new NgsiLdException(NgsiLdError.OperationNotSupported("notification.endpoint: only uri and accept are supported by this broker"));
        }
        var uri = Text(endpoint, "uri", "notification.endpoint.uri") ?? throw Bad("notification.endpoint.uri", "required");
        var jsonLd = Text(endpoint, "accept", "notification.endpoint.accept") switch
        {
            null or NgsiLdRequest.Json => false,
            NgsiLdRequest.JsonLd => true,
            var other => throw Bad("notification.endpoint.accept", $"'{other}' is not application/json or application/ld+json"),
        };
        return (uri, attributes, keyValues, jsonLd);
    }

    /// <summary>Attribute names as the twin's (the default vocabulary's terms); null when not given.</summary>
    private static string[]? Names(JsonNode? node, string path, LdContext context)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not JsonArray { Count: > 0 } list || list.Any(n => n is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
        {
            throw Bad(path, "a non-empty array of attribute names");
        }
        return [.. list.Select(n => ContextResolver.Core.Compact(context.Expand((string)n!))).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The twin's names a notification may carry (asset types, metrics, status, location, district), as the subscriber's context writes them.</summary>
    private static Dictionary<string, string> Terms(LdContext context)
    {
        var names = EntityTypes.AssetTypes.Concat(AssetCatalog.Kinds.SelectMany(k => k.Metrics).Select(m => m.Name)).Concat(EventAttributes)
            .Distinct(StringComparer.Ordinal);
        return names.ToDictionary(n => n, n => context.Compact(ContextResolver.Core.Expand(n)), StringComparer.Ordinal);
    }


}
