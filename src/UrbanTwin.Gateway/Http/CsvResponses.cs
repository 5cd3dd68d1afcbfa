using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace UrbanTwin.Gateway.Http;

/// <summary>Marks an endpoint whose 200 is also given as CSV (<c>Accept: text/csv</c>).</summary>
public sealed class AnswersCsv
{
    public static readonly AnswersCsv Instance = new();
}

/// <summary>
/// Documents the CSV form beside the JSON one on the 200 of endpoints marked <see cref="AnswersCsv"/>: ASP.NET's
/// response metadata keeps one type per status, so the second media type is added here.
/// </summary>
public sealed class CsvResponses : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AnswersCsv>().Any()
            && operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse { Content: { } content })
        {
            content["text/csv"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A header line `ts,value`, then one line per point: RFC 3339 UTC time, value." },
            };
        }
        return Task.CompletedTask;
    }
}

public static class CsvEndpoints
{
    public static RouteHandlerBuilder ProducesCsv(this RouteHandlerBuilder builder) => builder.WithMetadata(AnswersCsv.Instance);
}
