using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Gateway.Http;

namespace UrbanTwin.Gateway.Security;

public sealed record CallerView(string Name, string Role, string[] Scopes, string Mode, string[] Permissions);

public sealed record KeyView(string Name, string Role, string[] Scopes);

public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Access");
        auth.MapGet("/me", Me).WithSummary("The calling key: name, role, scope and what it may do.");
        auth.MapPost("/session", SignIn)
            .WithSummary("For the dashboard: the key sent in the header is kept in an HttpOnly, SameSite=Strict cookie, so the browser's requests and streams carry it.");
        auth.MapDelete("/session", SignOut).WithSummary("Forgets the dashboard's key cookie.");
        auth.MapGet("/keys", Keys).Requires(Permission.Administer)
            .WithSummary("The configured keys: names, roles, scopes (never the keys or their hashes). Unscoped admin keys only.");
        return api;
    }

    private static Ok<CallerView> Me(HttpContext context, ApiKeyRing ring)
    {
        var caller = Caller.Of(context);
        return TypedResults.Ok(new CallerView(caller.Name, Name(caller.Role), caller.Scopes, ring.Mode.ToString().ToLowerInvariant(),
            [.. Enum.GetValues<Permission>().Where(p => caller.Role.Grants(p)).Select(p => p.ToString().ToLowerInvariant())]));
    }

    private static Results<NoContent, ValidationProblem> SignIn(HttpContext context)
    {
        var (key, fromCookie) = ApiKeyAuthenticationHandler.PresentedKey(context.Request);
        if (key is null || fromCookie)
        {
            return Problems.Invalid(ApiKeyAuthenticationHandler.HeaderName, "send the key to sign in with in this header");
        }
        // The handler has already checked the key (an unknown one never gets here).
        context.Response.Cookies.Append(ApiKeyAuthenticationHandler.CookieName, key, CookieOptions(context));
        return TypedResults.NoContent();
    }

    private static NoContent SignOut(HttpContext context)
    {
        context.Response.Cookies.Delete(ApiKeyAuthenticationHandler.CookieName, CookieOptions(context));
        return TypedResults.NoContent();
    }

    private static Results<Ok<KeyView[]>, ProblemHttpResult> Keys(HttpContext context, ApiKeyRing ring)
    {
        var caller = Caller.Of(context);
        if (!caller.Unscoped)
        {
            return Problems.OutOfScope(caller, "the key list");
        }
        return TypedResults.Ok(ring.Keys.Select(k => new KeyView(k.Name, Name(k.Role), k.Scopes)).ToArray());
    }

    // Session-lived (no expiry), script cannot read it, never sent by another site's pages, HTTPS-only behind TLS.
    private static CookieOptions CookieOptions(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };

    private static string Name(ApiRole role) => role.ToString().ToLowerInvariant();
}
