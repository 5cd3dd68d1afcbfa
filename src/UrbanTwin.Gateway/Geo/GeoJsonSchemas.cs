using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace UrbanTwin.Gateway.Geo;

/// <summary>
/// Documents the GeoJSON geometries the API takes and gives (<c>boundary</c>, <c>geometry</c>: a
/// <see cref="JsonElement"/> in the code, read and written by NetTopologySuite) as what they are: an object, or null
/// where it may be left empty. Without this the schema would be "anything or null", which a null matches twice.
/// </summary>
public sealed class GeoJsonSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // On the type that holds the property: the property's own schema is a oneOf built around a reference.
        foreach (var property in context.JsonTypeInfo.Properties.Where(p => p.Name is "boundary" or "geometry"
            && (p.PropertyType == typeof(JsonElement) || p.PropertyType == typeof(JsonElement?))))
        {
            if (schema.Properties is { } properties && properties.ContainsKey(property.Name))
            {
                properties[property.Name] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object | JsonSchemaType.Null,
                    Description = "A GeoJSON (RFC 7946) Polygon or MultiPolygon geometry in lng/lat degrees: {\"type\": \"Polygon\", \"coordinates\": [[[lng, lat], …]]}.",
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["coordinates"] = new OpenApiSchema { Type = JsonSchemaType.Array },
                    },
                };
            }
        }
        return Task.CompletedTask;
    }
}
