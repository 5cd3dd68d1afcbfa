using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Ingest;

public static class TelemetryApi
{
    /// <summary>What a client should wait before retrying a durable batch that storage did not confirm.</summary>
    public const int RetryAfterSeconds = 1;

    public static RouteGroupBuilder MapTelemetryApi(this RouteGroupBuilder api)
    {
        api.MapPost("/telemetry", Post).WithTags("Telemetry").Requires(Permission.Write)
            .WithSummary("A batch of readings (JSON array or NDJSON). 200 when all were accepted, 207 with per-item reasons when some were, 422 when none was.")
            .WithDescription("ack=accepted (default): applied to live state, persisted within Storage:FlushInterval. " +
                "ack=durable: answered only once every accepted item is in Redis; 503 with Retry-After when storage did not confirm.")
            .Accepts<TelemetryItemDocument[]>("application/json", "application/x-ndjson")
            .Produces<IngestResponse>(StatusCodes.Status200OK)
            .Produces<IngestResponse>(StatusCodes.Status207MultiStatus)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> Post(
        HttpRequest request, Caller caller, NodeDirectory directory, TelemetryIngestor ingestor, IOptions<IngestOptions> options, TimeProvider clock,
        CancellationToken ct, string? ack = null)
    {
        if (ParseAck(ack) is not { } mode)
        {
            return Problems.Invalid("ack", $"must be 'accepted' or 'durable', not '{ack}'");
        }
        var limits = options.Value;
        List<ParsedItem> items;
        BatchError? error;
        using (var body = await RequestBody.ReadAsync(request, limits.MaxBodyBytes, ct))
        {
            if (body is null)
            {
                return Problems.TooLarge($"the body is larger than {limits.MaxBodyBytes} bytes");
            }
            var ndjson = request.ContentType is { } type && (type.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
                || type.StartsWith("application/jsonl", StringComparison.OrdinalIgnoreCase));
            // The items copy what they keep (ids, numbers), so the buffer goes back to the pool before the grain calls.
            (items, error) = TelemetryParser.Parse(body.Memory, ndjson, limits, clock.GetUtcNow());
        }
        if (error is not null)
        {
            return error.StatusCode == StatusCodes.Status413PayloadTooLarge ? Problems.TooLarge(error.Message) : Problems.Invalid(error.Field, error.Message);
        }
        var scope = await caller.WriteScopeAsync(directory, ct);
        var response = await ingestor.IngestAsync(items, mode, scope);
        if (mode == Ack.Durable && response.Unavailable > 0)
        {
            // Never a false acknowledgement: the whole batch is answered as not done. Retrying all of it is safe
            // (a redelivered latest reading is accepted again); the body says which items were not confirmed.
            request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not durable",
                detail: $"{response.Unavailable} of {items.Count} items could not be confirmed in storage; retry the batch.",
                extensions: new Dictionary<string, object?> { ["accepted"] = response.Accepted, ["rejected"] = response.Rejected });
        }
        if (response.Accepted == 0 && response.Unavailable == 0)
        {
            var first = response.Rejected[0];
            return Problems.NoneAccepted(items.Count, $"[{first.Index}]" + (first.AssetId is null ? "" : $" ({first.AssetId})"), first.Reason, first.Detail,
                response.Rejected);
        }
        return response.Rejected.Length == 0 ? TypedResults.Ok(response) : TypedResults.Json(response, statusCode: StatusCodes.Status207MultiStatus);
    }

    private static Ack? ParseAck(string? value) => value switch
    {
        null or "" or "accepted" => Ack.Accepted,
        "durable" => Ack.Durable,
        _ => null,
    };
}

/// <summary>The shape of one telemetry item, for the OpenAPI document (the parser reads the body itself).</summary>
public sealed class TelemetryItemDocument
{
    /// <summary>The asset's id.</summary>
    public required string AssetId { get; init; }

    /// <summary>When the reading was taken (RFC 3339 with an offset); at most Ingest:MaxFutureSkewSeconds ahead, never older than the asset's latest reading.</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <summary>Optional: the device's sequence number, 0 to 2^53 - 1; a repeated one is refused as duplicate-seq.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, TelemetryParser.MaxSeq)]
    public long? Seq { get; init; }

    /// <summary>Metric name to a finite number; at least one, at most Ingest:MaxMetricsPerItem.</summary>
    public required Dictionary<string, double> Metrics { get; init; }
}
