using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using UrbanTwin.Contracts.Geo;
using UrbanTwin.Domain.Geo;

namespace UrbanTwin.Gateway.Geo;

/// <summary>
/// GeoJSON (RFC 7946) as NetTopologySuite writes it: a boundary as a geometry object inside the JSON answers, and
/// whole answers as Features and FeatureCollections (<c>Accept: application/geo+json</c>).
/// </summary>
public static class GeoJson
{
    public const string MediaType = "application/geo+json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // A feature's "id" attribute is written as its GeoJSON id.
        Converters = { new GeoJsonConverterFactory(Shapes.Factory, false, "id") },
    };

    /// <summary>
    /// Whether the request asks for GeoJSON (its Accept names <see cref="MediaType"/>). The answer says it varies by
    /// Accept, so a cache (the browser's) never gives one representation for the other.
    /// </summary>
    public static bool Wanted(HttpContext context)
    {
        context.Response.Headers.Vary = "Accept";
        return context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The entity tag of a version's GeoJSON representation: not the JSON one's, so a revalidation cannot swap them.</summary>
    public static string ETag(long version) => $"\"{Http.ApiVersion.Format(version)}-geo\"";

    public static JsonElement Geometry(GeoBoundary boundary) => JsonSerializer.SerializeToElement(Shapes.ToGeometry(boundary), Options);

    public static Point Point(double lng, double lat) => Shapes.Factory.CreatePoint(new Coordinate(lng, lat));

    /// <summary>A Feature: its geometry, and its properties from an answer's JSON object (serialized as the API does), whose id is the feature's.</summary>
    public static Feature Feature(Geometry? geometry, object properties, JsonSerializerOptions apiOptions)
    {
        var attributes = new AttributesTable();
        foreach (var property in JsonSerializer.SerializeToElement(properties, properties.GetType(), apiOptions).EnumerateObject())
        {
            attributes.Add(property.Name, property.Value.Clone());
        }
        return new Feature(geometry, attributes);
    }

    public static ContentHttpResult Result(object featureOrCollection) => TypedResults.Text(JsonSerializer.Serialize(featureOrCollection, Options), MediaType);
}
