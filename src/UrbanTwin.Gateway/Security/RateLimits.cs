using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Security;

/// <summary>The <c>RateLimit</c> section: requests per API key per gateway, as a token bucket.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>Sustained requests per second per key (0 turns the limit off).</summary>
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>Requests a key may make at once after being idle.</summary>
    public int Burst { get; set; } = 200;
}

public sealed class RateLimitRules : SettingsRules<RateLimitOptions>
{
    protected override string Section => RateLimitOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(RateLimitOptions o) =>
    [
        Between(o.RequestsPerSecond, 0, 1_000_000, nameof(o.RequestsPerSecond)),
        Between(o.Burst, 1, 10_000_000, nameof(o.Burst)),
    ];
}

/// <summary>
/// Per-key rate limiting of <c>/api</c>: one token bucket per key name (per client address for requests without a
/// key, which end in 401 anyway). The open caller of open mode has no key to limit by and is not limited.
/// A refused request gets 429 with Retry-After and problem details; nothing it carried was applied.
/// </summary>
public static class RateLimits
{
    public static WebApplicationBuilder AddPerKeyRateLimit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSettings<RateLimitOptions, RateLimitRules>(builder.Configuration.GetSection(RateLimitOptions.Section));
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
            o.OnRejected = RejectAsync;
        });
        return builder;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }
        var (requestsPerSecond, burst) = LimitsOf(context, out var key);
        if (requestsPerSecond == 0)
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }
        // A tenth of a second's worth of tokens every 100 ms keeps the refill smooth; below 10/s, one token at a time.
        var (tokens, period) = requestsPerSecond >= 10
            ? (requestsPerSecond / 10, TimeSpan.FromMilliseconds(100))
            : (1, TimeSpan.FromSeconds(1.0 / requestsPerSecond));
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>The caller's limits (its key's own, else the defaults; none for open mode's keyless caller) and its bucket's name.</summary>
    private static (int RequestsPerSecond, int Burst) LimitsOf(HttpContext context, out string bucket)
    {
        var defaults = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        if (context.User.Identity?.IsAuthenticated != true)
        {
            bucket = "address:" + context.Connection.RemoteIpAddress;
            return (defaults.RequestsPerSecond, defaults.Burst);
        }
        var caller = Caller.Of(context);
        bucket = caller.Name;
        if (caller.IsOpen)
        {
            return (0, 1);
        }
        var key = context.RequestServices.GetRequiredService<ApiKeyRing>().Named(bucket);
        return (key?.RequestsPerSecond ?? defaults.RequestsPerSecond, key?.Burst ?? defaults.Burst);
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var (requestsPerSecond, burst) = LimitsOf(context, out _);
        var who = context.User.Identity?.IsAuthenticated == true ? $"Key '{Caller.Of(context).Name}'" : "This client";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"{who} is over {requestsPerSecond} requests/s (bursts of {burst}) on this gateway; retry after {seconds} s. " +
                    "Send larger batches rather than more requests.",
            },
        });
    }
}
