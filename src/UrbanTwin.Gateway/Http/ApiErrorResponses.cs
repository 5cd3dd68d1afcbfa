using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace UrbanTwin.Gateway.Http;

/// <summary>
/// The error answers every API operation can give, documented on each (RFC 9457 problem details), so a client
/// generated from the document knows them: 400 (every operation refuses a query parameter it does not take), 413
/// where it takes a body, 401 and 403 (keys and scopes), 404 where a path or the <c>node</c> parameter names a
/// resource, 429 (per-key rate limit), 503 (starting, or the cluster did not answer). An operation that documents one
/// of them itself keeps its own.
/// </summary>
public sealed class ApiErrorResponses : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        if (description.RelativePath is not { } path || !path.StartsWith("api/", StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }
        operation.Responses ??= [];
        // Every operation can be sent a query parameter it does not take (refused, not ignored: Http/KnownQueryParameters).
        Add(operation, context, "400", "The request is invalid: the problem's `errors` name each field or parameter and what is wrong.", "HttpValidationProblemDetails");
        if (operation.RequestBody is not null)
        {
            Add(operation, context, "413", "The body is over Ingest:MaxBodyBytes, or holds more items than Ingest:MaxItemsPerBatch.", "ProblemDetails");
        }
        Add(operation, context, "401", "No API key, or one this gateway does not know (keys mode).", "ProblemDetails");
        Add(operation, context, "403", "The key's role or scope does not allow this.", "ProblemDetails");
        if (path.Contains('{', StringComparison.Ordinal) || description.ParameterDescriptions.Any(p => p.Name == "node"))
        {
            Add(operation, context, "404", "No such resource (the detail names it).", "ProblemDetails");
        }
        Add(operation, context, "429", "Over the key's rate limit: retry after the `Retry-After` header's seconds.", "ProblemDetails");
        Add(operation, context, "503", "The gateway is starting, or the cluster did not answer in time and nothing earlier is known: retry after `Retry-After`.", "ProblemDetails");
        return Task.CompletedTask;
    }

    private static void Add(OpenApiOperation operation, OpenApiOperationTransformerContext context, string status, string description, string schema)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, context.Document) },
            },
        };
    }
}
