using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.NgsiLd.Entities;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.NgsiLd.Query;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Gateway.Webhooks;

using static UrbanTwin.Gateway.NgsiLd.NgsiLdJson;
namespace UrbanTwin.Gateway.NgsiLd.Subscriptions;

/// <summary>
/// NGSI-LD subscriptions (clauses 6.10 and 6.11): create (201 with <c>Location</c>), list (<c>limit</c>, <c>offset</c>,
/// <c>count</c>), read, update (PATCH, 204), delete (204). Each is a webhook subscription with an NGSI-LD part
/// (<see cref="NgsiLdSubscription"/>): the same grain, consumer group of the event log, retries and dead letters; its
/// notifications are the assets' <c>asset.values</c> events it watches, as NGSI-LD Notifications. The operator and
/// admin roles manage them, as webhooks; a key with one scope watches only below it.
/// </summary>
public static class NgsiLdSubscriptionsApi
{
    public static RouteGroupBuilder MapNgsiLdSubscriptions(this RouteGroupBuilder ngsi)
    {
        var subscriptions = ngsi.MapGroup("/subscriptions").Requires(Permission.Subscribe);
        subscriptions.MapPost("/", CreateAsync).ExcludeFromDescription();
        subscriptions.MapGet("/", ListAsync).ExcludeFromDescription();
        subscriptions.MapGet("/{subscriptionId}", GetAsync).ExcludeFromDescription();
        subscriptions.MapPatch("/{subscriptionId}", UpdateAsync).ExcludeFromDescription();
        subscriptions.MapDelete("/{subscriptionId}", DeleteAsync).ExcludeFromDescription();
        return ngsi;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, Caller caller, ContextResolver contexts, IGrainFactory grains, SubscriptionRules rules,
        IOptions<WebhookTargetOptions> targets, IOptions<IngestOptions> limits, TimeProvider clock, CancellationToken ct)
    {
        NgsiLdQuery.RefuseUnknown(http.Request.Query);
        var (request, body) = await NgsiLdRequest.ReadWithBodyAsync(http, contexts, limits.Value.MaxBodyBytes, ct);
        var subscription = SubscriptionReader.Read(body as JsonObject ?? throw Bad("body", "must be a Subscription object"), request.Context,
            NotifyWith(request), request.ContextUrl, clock.GetUtcNow());
        await CheckEndpointAsync(rules, subscription.Endpoint, ct);
        var node = NodeOf(caller);
        if ((await grains.ByKey<IWebhookRegistryGrain>(WebhookRegistry.Key).List()).Length >= targets.Value.MaxSubscriptions)
        {
            throw new NgsiLdException(NgsiLdError.Forbidden($"the twin holds at most {targets.Value.MaxSubscriptions} subscriptions (Webhooks:MaxSubscriptions)"));
        }
        var id = subscription.Id ?? "urn:ngsi-ld:Subscription:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        var grain = grains.ByKey<IWebhookGrain>(id);
        var definition = new WebhookDefinition(id, subscription.Endpoint, Filter(subscription.Ngsi, node), subscription.Description, clock.GetUtcNow(),
            caller.Name, subscription.Ngsi);
        if (await grain.Create(definition) is null)
        {
            throw new NgsiLdException(NgsiLdError.AlreadyExists($"{id}: already exists"));
        }
        if (!subscription.IsActive)
        {
            await grain.Change(new WebhookChange(State: WebhookState.Paused));
        }
        return Results.Created($"/ngsi-ld/v1/subscriptions/{Uri.EscapeDataString(id)}", null);
    }

    private static async Task<IResult> ListAsync(HttpContext http, Caller caller, ContextResolver contexts, IGrainFactory grains, NodeDirectory directory,
        TimeProvider clock, CancellationToken ct)
    {
        var request = await NgsiLdRequest.ReadAsync(http, contexts, ct);
        NgsiLdQuery.RefuseUnknown(http.Request.Query, "limit", "offset", "count");
        var (offset, limit, count) = QueryEntitiesApi.Paging(http.Request.Query);
        var tree = await directory.GetAsync(ct);
        var ids = await grains.ByKey<IWebhookRegistryGrain>(WebhookRegistry.Key).List();
        var all = (await Task.WhenAll(ids.Select(id => grains.ByKey<IWebhookGrain>(id).Get())))
            .OfType<WebhookSubscription>()
            .Where(s => s.Definition.NgsiLd is not null && Sees(caller, tree, s))
            .OrderBy(s => s.Definition.Id, StringComparer.Ordinal).ToList();
        if (count)
        {
            http.Response.Headers[QueryEntitiesApi.CountHeader] = all.Count.ToString(CultureInfo.InvariantCulture);
        }
        var now = clock.GetUtcNow();
        return request.Answer(new JsonArray([.. all.Skip(offset).Take(limit).Select(s => (JsonNode)View(s, request, now))]));
    }

    private static async Task<IResult> GetAsync(string subscriptionId, HttpContext http, Caller caller, ContextResolver contexts, IGrainFactory grains,
        NodeDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var request = await NgsiLdRequest.ReadAsync(http, contexts, ct);
        NgsiLdQuery.RefuseUnknown(http.Request.Query);
        return request.Answer(View(await FindAsync(subscriptionId, caller, grains, directory, ct), request, clock.GetUtcNow()));
    }

    /// <summary>
    /// Update Subscription (clause 6.11.3.2): the members given replace those of the subscription as it was written,
    /// and the whole is read again (so a change is checked as a creation is).
    /// </summary>
    private static async Task<IResult> UpdateAsync(string subscriptionId, HttpContext http, Caller caller, ContextResolver contexts, IGrainFactory grains,
        NodeDirectory directory, SubscriptionRules rules, IOptions<IngestOptions> limits, TimeProvider clock, CancellationToken ct)
    {
        NgsiLdQuery.RefuseUnknown(http.Request.Query);
        var (request, body) = await NgsiLdRequest.ReadWithBodyAsync(http, contexts, limits.Value.MaxBodyBytes, ct);
        if (body is not JsonObject fragment || fragment.Count == 0)
        {
            throw Bad("body", "a fragment of a Subscription: the members to change");
        }
        if (fragment.ContainsKey("id") || fragment.ContainsKey("type") && (string?)fragment["type"] != "Subscription")
        {
            throw Bad("id", "a subscription's id and type do not change");
        }
        var found = await FindAsync(subscriptionId, caller, grains, directory, ct);
        var merged = JsonNode.Parse(found.Definition.NgsiLd!.Document)!.AsObject();
        foreach (var (name, value) in fragment)
        {
            if (name != "@context")
            {
                merged[name] = value?.DeepClone();
            }
        }
        merged["type"] = "Subscription";
        var subscription = SubscriptionReader.Read(merged, request.Context, NotifyWith(request), request.ContextUrl, clock.GetUtcNow());
        await CheckEndpointAsync(rules, subscription.Endpoint, ct);
        var grain = grains.ByKey<IWebhookGrain>(subscriptionId);
        await grain.Interrupt();
        await grain.Change(new WebhookChange(subscription.Endpoint, Filter(subscription.Ngsi, found.Definition.Filter.Node), subscription.Description,
            subscription.IsActive ? WebhookState.Active : WebhookState.Paused, subscription.Ngsi));
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(string subscriptionId, HttpContext http, Caller caller, IGrainFactory grains, NodeDirectory directory,
        CancellationToken ct)
    {
        NgsiLdQuery.RefuseUnknown(http.Request.Query);
        await FindAsync(subscriptionId, caller, grains, directory, ct);
        var grain = grains.ByKey<IWebhookGrain>(subscriptionId);
        await grain.Interrupt();
        return await grain.Delete() ? Results.NoContent() : NgsiLdError.ResourceNotFound($"{subscriptionId}: no such subscription").ToResult();
    }

    /// <summary>The subscription as written, with its status and the notification's (clause 5.2.12, 5.2.14).</summary>
    private static JsonObject View(WebhookSubscription subscription, NgsiLdRequest request, DateTimeOffset now)
    {
        var ngsi = subscription.Definition.NgsiLd!;
        var view = JsonNode.Parse(ngsi.Document)!.AsObject();
        view["id"] = subscription.Definition.Id;
        view["type"] = "Subscription";
        view["isActive"] = subscription.State == WebhookState.Active;
        view["status"] = ngsi.ExpiresAt <= now ? "expired" : subscription.State == WebhookState.Active ? "active" : "paused";
        var delivery = subscription.Delivery;
        var notification = view["notification"]!.AsObject();
        foreach (var member in new[] { "timesSent", "lastNotification", "lastSuccess", "lastFailure", "status" })
        {
            notification.Remove(member);
        }
        notification["timesSent"] = delivery.Delivered;
        var last = new[] { delivery.LastSuccessAt, delivery.LastFailureAt }.Max();
        if (last is { } lastNotification)
        {
            notification["lastNotification"] = NgsiEntity.Timestamp(lastNotification);
        }
        if (delivery.LastSuccessAt is { } success)
        {
            notification["lastSuccess"] = NgsiEntity.Timestamp(success);
        }
        if (delivery.LastFailureAt is { } failure)
        {
            notification["lastFailure"] = NgsiEntity.Timestamp(failure);
        }
        notification["status"] = delivery.LastFailureAt > (delivery.LastSuccessAt ?? DateTimeOffset.MinValue) ? "failed" : "ok";
        if (request.BodyContext is { } context)
        {
            view["@context"] = context;
        }
        return view;
    }

    private static async Task<WebhookSubscription> FindAsync(string id, Caller caller, IGrainFactory grains, NodeDirectory directory, CancellationToken ct)
    {
        if (!Uri.TryCreate(id, UriKind.Absolute, out _))
        {
            throw Bad("subscriptionId", $"'{id}' is not a URI");
        }
        var found = await grains.ByKey<IWebhookGrain>(id).Get();
        return found is { Definition.NgsiLd: not null } && Sees(caller, await directory.GetAsync(ct), found)
            ? found
            : throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{id}: no such subscription")); // outside the key's scope: not there
    }

    /// <summary>The context notifications are compacted with: the request's when a URL names it (a Link, or a body's <c>@context</c> URL), else the core.</summary>
    private static LdContext NotifyWith(NgsiLdRequest request) => request.ContextValue is null ? request.Context : ContextResolver.Core;

    private static bool Sees(Caller caller, NodeDirectory.Tree tree, WebhookSubscription s) =>
        caller.Unscoped || (s.Definition.Filter.Node is { } node && caller.Sees(tree, node));

    /// <summary>The node a key's subscriptions watch below: none for an unscoped key, its scope for a key with one; several is refused.</summary>
    private static string? NodeOf(Caller caller) => caller.Scopes.Length switch
    {
        0 => null,
        1 => caller.Scopes[0],
        _ => throw new NgsiLdException(NgsiLdError.Forbidden($"key '{caller.Name}' has several scopes: an NGSI-LD subscription watches below one node")),
    };

    /// <summary>What the webhook engine filters on before the NGSI-LD part: value events, the kinds named, the node.</summary>
    private static WebhookFilter Filter(NgsiLdSubscription ngsi, string? node) =>
        new([TwinEventTypes.AssetValues], node, NgsiLdNotifications.KindsOf(ngsi) ?? [], null);

    private static async Task CheckEndpointAsync(SubscriptionRules rules, string uri, CancellationToken ct)
    {
        var errors = await rules.CheckUrlAsync(uri, ct);
        if (errors.Count > 0)
        {
            throw Bad("notification.endpoint.uri", errors[0].Message);
        }
    }

}
