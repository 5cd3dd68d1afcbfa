using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Observability;

namespace UrbanTwin.Gateway.Security;

/// <summary>
/// Authenticates a request by its API key: <c>Authorization: ApiKey &lt;key&gt;</c>, <c>X-Api-Key: &lt;key&gt;</c>, or the
/// dashboard's session cookie (set by <c>POST /api/v1/auth/session</c>). In open mode a request without a key is an
/// unscoped admin called "open"; a key that is sent must still be a known one.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRing ring, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string CookieName = "urbantwin_key";
    public static readonly Caller OpenCaller = new("open", ApiRole.Admin, [], IsOpen: true);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (presented, fromCookie) = PresentedKey(Request);
        if (presented is not null)
        {
            if (ring.Find(presented) is { } key)
            {
                return Task.FromResult(Success(new Caller(key.Name, key.Role, key.Scopes)));
            }
            if (!fromCookie || ring.Mode == AuthMode.Keys)
            {
                // Never the key itself in a log line; its length says enough to tell a truncated paste. Debug, not
                // warning: whoever sends many bad keys must not flood the logs (urbantwin_access_refused counts them).
                Logger.LogDebug("Unknown API key ({Length} characters) for {Method} {Path}", presented.Length, Request.Method, Request.Path);
                return Task.FromResult(AuthenticateResult.Fail("The API key is not known (revoked, mistyped, or for another deployment)."));
            }
        }
        return Task.FromResult(ring.Mode == AuthMode.Open ? Success(OpenCaller) : AuthenticateResult.NoResult());
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        AccessRefusals.Label(Context, result.Failure is null ? "missing-key" : "unknown-key");
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} realm=\"urbantwin\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "API key required",
                Detail = result.Failure?.Message ?? $"Send an API key: 'Authorization: {SchemeName} <key>' or '{HeaderName}: <key>'.",
            },
        });
    }

    /// <summary>The key a request presents, if any, and whether it came from the session cookie.</summary>
    public static (string? Key, bool FromCookie) PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            return (authorization[(SchemeName.Length + 1)..].Trim(), false);
        }
        if (request.Headers.TryGetValue(HeaderName, out var header))
        {
            return (header.ToString().Trim(), false);
        }
        return request.Cookies.TryGetValue(CookieName, out var cookie) && cookie.Length > 0 ? (cookie, true) : (null, false);
    }

    private AuthenticateResult Success(Caller caller) =>
        AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));
}
