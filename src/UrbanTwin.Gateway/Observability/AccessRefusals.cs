namespace UrbanTwin.Gateway.Observability;

/// <summary>
/// Counts every API request refused for access in one place, by the status it ends with (401, 403, 429), so no code
/// path that refuses can forget to: what refuses only labels the reason when the status alone does not say it.
/// </summary>
public static class AccessRefusals
{
    private static readonly object ReasonKey = new();

    /// <summary>Names why this request is being refused (<c>unknown-key</c>, <c>too-many-streams</c>, …).</summary>
    public static void Label(HttpContext context, string reason) => context.Items[ReasonKey] = reason;

    /// <summary>Counts the refusals of the requests that pass through here, in <see cref="GatewayMetrics"/>.</summary>
    public static IApplicationBuilder UseAccessRefusalCount(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        await next(context);
        var fallback = context.Response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => "missing-key",
            StatusCodes.Status403Forbidden => "forbidden",
            StatusCodes.Status429TooManyRequests => "rate-limited",
            _ => null,
        };
        if (fallback is not null)
        {
            context.RequestServices.GetRequiredService<GatewayMetrics>().CountRefused(context.Items[ReasonKey] as string ?? fallback);
        }
    });
}
