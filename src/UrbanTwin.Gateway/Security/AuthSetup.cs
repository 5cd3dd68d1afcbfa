using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using UrbanTwin.Gateway.Hosting;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Security;

public static class AuthSetup
{
    public static WebApplicationBuilder AddApiKeyAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section));
        services.AddSingleton<ApiKeyRing>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPermissionPolicies();
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddHealthChecks().AddCheck<AuthHealthCheck>("auth", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    private static void AddPermissionPolicies(this AuthorizationBuilder authorization)
    {
        foreach (var permission in Enum.GetValues<Permission>())
        {
            authorization.AddPolicy(permission.PolicyName(), p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .AddRequirements(new PermissionRequirement(permission)));
        }
    }

    public static TBuilder Requires<TBuilder>(this TBuilder endpoints, Permission permission) where TBuilder : IEndpointConventionBuilder =>
        endpoints.RequireAuthorization(permission.PolicyName());

    /// <summary>
    /// Builds the key ring (a malformed key entry stops start-up, naming it) and says loudly when the API is open.
    /// False when this gateway must not start: keys mode with no key, since nothing could call it.
    /// </summary>
    public static bool CheckAtStartup(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("UrbanTwin.Security");
        ApiKeyRing ring;
        try
        {
            ring = app.Services.GetRequiredService<ApiKeyRing>();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            logger.LogCritical("Refusing to start: the API keys are misconfigured: {Errors}", string.Join("; ", ex.Failures));
            return false;
        }
        var mode = app.Services.GetRequiredService<RunMode>();
        if (ring.Mode == AuthMode.Keys && ring.Keys.Count == 0)
        {
            logger.LogCritical("Refusing to start: Auth:Mode is keys ({Reason}) but no key is configured. Configure Auth:Keys (see docs/security.md), " +
                "or set Auth:Mode=open to run without keys on a network no one else can reach.",
                mode.IsCluster ? "the default in cluster mode" : "as configured");
            return false;
        }
        // Open mode, or the keys configured, is said in the start-up banner (Hosting/StartupBanner).
        return true;
    }
}

/// <summary>Readiness detail: an open API is reported as Degraded (still ready, HTTP 200), so it shows on every probe.</summary>
public sealed class AuthHealthCheck(ApiKeyRing ring) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ring.Mode == AuthMode.Open
            ? HealthCheckResult.Degraded("OPEN: no API key is needed; every caller is an unscoped admin (set Auth:Mode=keys and Auth:Keys)")
            : HealthCheckResult.Healthy($"API keys required ({ring.Keys.Count} configured)"));
}
