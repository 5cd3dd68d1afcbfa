using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace UrbanTwin.Gateway.Geo;

/// <summary>Marks an endpoint whose 200 is also given as GeoJSON (<c>Accept: application/geo+json</c>), a Feature or a FeatureCollection.</summary>
public sealed record AnswersGeoJson(string What);

/// <summary>Documents the GeoJSON form beside the JSON one on the 200 of endpoints marked <see cref="AnswersGeoJson"/>.</summary>
public sealed class GeoJsonResponses : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AnswersGeoJson>().FirstOrDefault() is { } geo
            && operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse { Content: { } content })
        {
            content[GeoJson.MediaType] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = $"GeoJSON (RFC 7946): {geo.What}; each feature's properties are the JSON answer's fields.",
                    Required = new HashSet<string> { "type" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("Feature"), System.Text.Json.Nodes.JsonValue.Create("FeatureCollection")] },
                    },
                },
            };
        }
        return Task.CompletedTask;
    }
}

public static class GeoJsonEndpoints
{
    public static RouteHandlerBuilder ProducesGeoJson(this RouteHandlerBuilder builder, string what) => builder.WithMetadata(new AnswersGeoJson(what));
}
