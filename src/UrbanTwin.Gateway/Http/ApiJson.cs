using System.Text.Json;
using System.Text.Json.Serialization;

namespace UrbanTwin.Gateway.Http;

/// <summary>The API's JSON: camelCase names, enums as camelCase strings.</summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null; // metric and kind names are ids: keep them as they are
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        // A number is a JSON number (the web defaults also read "12" as 12, and would document every integer as
        // "integer or string" in the OpenAPI document).
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    /// <summary>The most <c>Ingest:MaxJsonDepth</c> may be; the serializer options below allow this much, the setting less.</summary>
    public const int MaxDepthLimit = 64;

    /// <summary>
    /// For request bodies: strict about duplicate and unknown properties (a misspelt "thresholds" must not be dropped
    /// silently), depth and number types.
    /// </summary>
    public static readonly JsonSerializerOptions Strict = CreateStrict();

    private static JsonSerializerOptions CreateStrict()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            AllowDuplicateProperties = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            MaxDepth = MaxDepthLimit, // the configured depth is checked first (RequestBody)
            // A number is a JSON number: "12" and "NaN" as strings are wrong types, not numbers.
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        };
        Configure(options);
        return options;
    }
}
