using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Webhooks;

/// <summary>
/// Webhook subscriptions: an integrator's URL that receives the twin's events, signed per Standard Webhooks, at least
/// once. The operator and admin roles manage them; a scoped key sees and makes only subscriptions inside its scope.
/// Delivery is the silos' work (Grains/Webhooks); this is the API over the subscription grains.
/// </summary>
public static partial class SubscriptionsApi
{
    private const int MaxBodyBytes = 16 * 1024;

    public static RouteGroupBuilder MapSubscriptionsApi(this RouteGroupBuilder api)
    {
        var subscriptions = api.MapGroup("/subscriptions").WithTags("Webhooks").Requires(Permission.Subscribe);
        subscriptions.MapPost("/", Create).Accepts<SubscriptionRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Subscribes a URL to events (alarm.raised, alarm.*, asset.status, …) under a node; 201 with the signing secret, shown once.")
            .WithDescription("Deliveries are POSTs signed per the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature), "
                + "at least once, in order per asset, retried with backoff, then dead-lettered. Loopback, private and link-local targets are refused "
                + "unless the gateway allows them (Webhooks:AllowPrivateTargets, Webhooks:AllowedHosts).");
        subscriptions.MapGet("/", List).WithSummary("The subscriptions this key may see, with their delivery status.");
        subscriptions.MapGet("/{id}", Get).WithSummary("One subscription with its delivery status (delivered, pending, failed, deadLettered, last error, state).");
        subscriptions.MapMethods("/{id}", ["PATCH"], Change).Accepts<SubscriptionPatch>("application/json")
            .WithSummary("Changes a subscription's URL, filter or description, or pauses (state: paused) or resumes (state: active) it.");
        subscriptions.MapDelete("/{id}", Delete).WithSummary("Removes a subscription; its undelivered events are dropped.");
        subscriptions.MapPost("/{id}/rotate-secret", RotateSecret)
            .WithSummary("A new signing secret, shown once; the previous one keeps signing too until previousSecretValidUntil.");
        subscriptions.MapGet("/{id}/dead-letters", DeadLetters).WithSummary("Events given up on after the last retry, oldest first.");
        subscriptions.MapPost("/{id}/dead-letters/replay", Replay)
            .WithSummary("Sends every dead letter again, before new events, with its original webhook-id; those that fail again return to the dead letters.");
        return api;
    }

    private static async Task<Results<Created<SubscriptionCreatedView>, ProblemHttpResult, ValidationProblem>> Create(
        HttpRequest request, Caller caller, NodeDirectory directory, IGrainFactory grains, SubscriptionRules rules,
        IOptions<WebhookTargetOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var read = await RequestBody.ReadJsonAsync<SubscriptionRequest>(request, MaxBodyBytes, ApiJson.Strict, ct);
        if (read.TooLarge is { } tooLarge)
        {
            return tooLarge;
        }
        if (read.Malformed is { } malformed)
        {
            return malformed;
        }
        var body = read.Value ?? new SubscriptionRequest(null, null);
        var tree = await directory.GetAsync(ct);
        var errors = await rules.CheckUrlAsync(body.Url, ct);
        var filter = SubscriptionRules.CheckFilter(body.Events, body.Node, body.Kinds, body.MinLevel, caller, tree, errors);
        SubscriptionRules.CheckDescription(body.Description, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        if (filter!.Node is { } node && !caller.Sees(tree, node))
        {
            return Problems.OutOfScope(caller, $"node '{node}'");
        }
        var registry = grains.ByKey<IWebhookRegistryGrain>(WebhookRegistry.Key);
        if ((await registry.List()).Length >= options.Value.MaxSubscriptions)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Too many subscriptions",
                detail: $"The twin holds at most {options.Value.MaxSubscriptions} subscriptions (Webhooks:MaxSubscriptions); delete one first.");
        }
        var id = "sub_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        var grain = grains.ByKey<IWebhookGrain>(id);
        var secret = await grain.Create(new WebhookDefinition(id, body.Url!, filter, body.Description, clock.GetUtcNow(), caller.Name))
            ?? throw new InvalidOperationException($"Subscription id {id} was taken.");
        var created = SubscriptionView.From((await grain.Get())!);
        return TypedResults.Created($"/api/v1/subscriptions/{id}", new SubscriptionCreatedView(secret, created));
    }

    private static async Task<Ok<SubscriptionListView>> List(Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        var ids = await grains.ByKey<IWebhookRegistryGrain>(WebhookRegistry.Key).List();
        var all = await Task.WhenAll(ids.Select(id => grains.ByKey<IWebhookGrain>(id).Get()));
        return TypedResults.Ok(new SubscriptionListView([.. all.OfType<WebhookSubscription>()
            .Where(s => s.Definition.NgsiLd is null && Sees(caller, tree, s)) // NGSI-LD's are listed under /ngsi-ld/v1/subscriptions
            .OrderBy(s => s.Definition.CreatedAt).ThenBy(s => s.Definition.Id, StringComparer.Ordinal)
            .Select(SubscriptionView.From)]));
    }

    private static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> Get(string id, Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        var (found, problem) = await FindAsync(id, caller, directory, grains, ct);
        return found is null ? problem! : TypedResults.Ok(SubscriptionView.From(found));
    }

    private static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult, ValidationProblem>> Change(
        string id, HttpRequest request, Caller caller, NodeDirectory directory, IGrainFactory grains, SubscriptionRules rules, CancellationToken ct)
    {
        var read = await RequestBody.ReadJsonAsync<SubscriptionPatch>(request, MaxBodyBytes, ApiJson.Strict, ct);
        if (read.TooLarge is { } tooLarge)
        {
            return tooLarge;
        }
        if (read.Malformed is { } malformed)
        {
            return malformed;
        }
        var patch = read.Value ?? new SubscriptionPatch();
        var (found, problem) = await FindAsync(id, caller, directory, grains, ct);
        if (found is null)
        {
            return problem!;
        }
        var tree = await directory.GetAsync(ct);
        var errors = patch.Url is null ? [] : await rules.CheckUrlAsync(patch.Url, ct);
        var held = found.Definition.Filter;
        var filter = SubscriptionRules.CheckFilter(patch.Events ?? held.Events, patch.Node ?? held.Node, patch.Kinds ?? held.Kinds,
            patch.MinLevel ?? held.MinLevel?.ToString().ToLowerInvariant(), caller, tree, errors);
        SubscriptionRules.CheckDescription(patch.Description, errors);
        WebhookState? state = patch.State switch
        {
            null => null,
            "active" => WebhookState.Active,
            "paused" => WebhookState.Paused,
            _ => WebhookState.Disabled,
        };
        if (state == WebhookState.Disabled)
        {
            errors.Add(new FieldError("state", "must be active or paused"));
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        if (filter!.Node is { } node && !caller.Sees(tree, node))
        {
            return Problems.OutOfScope(caller, $"node '{node}'");
        }
        var changed = await (await Interrupted(grains, id)).Change(new WebhookChange(patch.Url, filter, patch.Description, state));
        return changed is null ? Problems.NotFound("subscription", id) : TypedResults.Ok(SubscriptionView.From(changed));
    }

    /// <summary>The subscription's grain with its deliveries in flight stopped: a receiver that hangs must not hold up a management call.</summary>
    private static async Task<IWebhookGrain> Interrupted(IGrainFactory grains, string id)
    {
        var grain = grains.ByKey<IWebhookGrain>(id);
        await grain.Interrupt();
        return grain;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        var (found, problem) = await FindAsync(id, caller, directory, grains, ct);
        if (found is null)
        {
            return problem!;
        }
        return await (await Interrupted(grains, id)).Delete() ? TypedResults.NoContent() : Problems.NotFound("subscription", id);
    }

    private static async Task<Results<Ok<SecretView>, ProblemHttpResult>> RotateSecret(string id, Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        var (found, problem) = await FindAsync(id, caller, directory, grains, ct);
        if (found is null)
        {
            return problem!;
        }
        return await (await Interrupted(grains, id)).RotateSecret() is { } rotated
            ? TypedResults.Ok(new SecretView(rotated.Secret, rotated.PreviousSecretValidUntil))
            : Problems.NotFound("subscription", id);
    }

    private static async Task<Results<Ok<DeadLetterListView>, ProblemHttpResult>> DeadLetters(string id, Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        var (found, problem) = await FindAsync(id, caller, directory, grains, ct);
        if (found is null)
        {
            return problem!;
        }
        var letters = await grains.ByKey<IWebhookGrain>(id).GetDeadLetters() ?? [];
        return TypedResults.Ok(new DeadLetterListView([.. letters.Select(DeadLetterView.From)]));
    }

    private static async Task<Results<Accepted<ReplayView>, ProblemHttpResult>> Replay(string id, Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        var (found, problem) = await FindAsync(id, caller, directory, grains, ct);
        if (found is null)
        {
            return problem!;
        }
        return await (await Interrupted(grains, id)).ReplayDeadLetters() is { } replayed
            ? TypedResults.Accepted($"/api/v1/subscriptions/{id}", new ReplayView(replayed))
            : Problems.NotFound("subscription", id);
    }

    /// <summary>The subscription, or 404 (no such id, or not one this API makes) or 403 (outside the caller's scope).</summary>
    private static async Task<(WebhookSubscription? Found, ProblemHttpResult? Problem)> FindAsync(
        string id, Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        if (!SubscriptionId().IsMatch(id) || await grains.ByKey<IWebhookGrain>(id).Get() is not { } found)
        {
            return (null, Problems.NotFound("subscription", id));
        }
        return Sees(caller, await directory.GetAsync(ct), found)
            ? (found, null)
            : (null, Problems.OutOfScope(caller, $"subscription '{id}' (under {found.Definition.Filter.Node ?? "the whole tree"})"));
    }

    private static bool Sees(Caller caller, NodeDirectory.Tree tree, WebhookSubscription s) =>
        caller.Unscoped || (s.Definition.Filter.Node is { } node && caller.Sees(tree, node));

    [GeneratedRegex("^sub_[0-9a-f]{20}$")]
    private static partial Regex SubscriptionId();
}
