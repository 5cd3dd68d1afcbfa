using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Http;

namespace UrbanTwin.Gateway.Ingest;

public static class TelemetryApi
{
    public static RouteGroupBuilder MapTelemetryApi(this RouteGroupBuilder api)
    {
        api.MapPost("/telemetry", Post).WithTags("Telemetry")
            .WithSummary("A batch of readings (JSON array or NDJSON). 200 when all were accepted, 207 with per-item reasons otherwise.")
            .Accepts<TelemetryItemDocument[]>("application/json", "application/x-ndjson");
        return api;
    }

    private static async Task<Results<Ok<IngestResponse>, JsonHttpResult<IngestResponse>, ValidationProblem, ProblemHttpResult>> Post(
        HttpRequest request, TelemetryIngestor ingestor, IOptions<IngestOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var limits = options.Value;
        var body = await RequestBody.ReadAsync(request, limits.MaxBodyBytes, ct);
        if (body is null)
        {
            return Problems.TooLarge($"the body is larger than {limits.MaxBodyBytes} bytes");
        }
        var ndjson = request.ContentType is { } type && (type.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("application/jsonl", StringComparison.OrdinalIgnoreCase));
        var (items, error) = TelemetryParser.Parse(body, ndjson, limits, clock.GetUtcNow());
        if (error is not null)
        {
            return error.StatusCode == StatusCodes.Status413PayloadTooLarge ? Problems.TooLarge(error.Message) : Problems.Invalid(error.Field, error.Message);
        }
        var response = await ingestor.IngestAsync(items);
        return response.Rejected.Length == 0 ? TypedResults.Ok(response) : TypedResults.Json(response, statusCode: StatusCodes.Status207MultiStatus);
    }
}

/// <summary>The shape of one telemetry item, for the OpenAPI document (the parser reads the body itself).</summary>
public sealed record TelemetryItemDocument(string AssetId, DateTimeOffset Ts, long? Seq, Dictionary<string, double> Metrics);
