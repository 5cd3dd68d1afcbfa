using UrbanTwin.Contracts.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Http;

/// <summary>
/// A grain call that failed because the cluster is changing (a silo crashed or is leaving, storage is away, a
/// call timed out) is the service being briefly unavailable, not a bug: 503 with Retry-After, so clients and
/// load balancers retry, instead of a 500.
/// </summary>
public sealed class ClusterUnavailableHandler(IProblemDetailsService problems, ILogger<ClusterUnavailableHandler> logger) : IExceptionHandler
{
    private readonly RepeatedWarning _answered503 = new(logger, "Requests answered 503 because the cluster did not answer");

    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsTransient(exception, context.RequestAborted))
        {
            return false;
        }
        _answered503.Report(null, $"{context.Request.Method} {context.Request.Path}: {exception.Message}");
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable",
                Detail = "The cluster did not answer in time (a silo may be restarting or failing over); retry shortly.",
            },
        });
    }

    /// <summary>
    /// Transient, or cancelled inside the cluster (a placement or directory lookup cancelled on a silo while membership
    /// changes) rather than by the caller giving up on <paramref name="request"/>.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken request) =>
        IsTransient(exception) || (exception is OperationCanceledException && !request.IsCancellationRequested);

    public static bool IsTransient(Exception exception) => exception is TimeoutException or SiloUnavailableException
        or OrleansMessageRejectionException or ClientNotAvailableException or Orleans.Runtime.Messaging.ConnectionFailedException
        or RedisGroupCommitException
        || (exception.InnerException is { } inner && IsTransient(inner));
}
