using System.Text.Json;
using System.Text.Json.Serialization;
using UrbanTwin.Contracts.Events;

namespace UrbanTwin.EventLog;

/// <summary>
/// How an event is stored: a stream entry with fields <c>type</c>, <c>node</c>, <c>asset</c> (for filtering without
/// parsing) and <c>event</c>, the whole event as camelCase JSON with enums as strings, the API's conventions, so
/// <c>XRANGE</c> in redis-cli and any consumer in any language can read it.
/// </summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(TwinEvent e) => JsonSerializer.Serialize(e, Options);

    public static TwinEvent Deserialize(string json) =>
        JsonSerializer.Deserialize<TwinEvent>(json, Options) ?? throw new JsonException("An event entry holds null.");
}
