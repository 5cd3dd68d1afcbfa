using System.Text.Json;
using System.Text.Json.Nodes;

namespace UrbanTwin.Gateway.NgsiLd;

/// <summary>What the readers of NGSI-LD bodies and parameters share: the BadRequestData naming a member, and a text member.</summary>
public static class NgsiLdJson
{
    /// <summary>BadRequestData naming what is wrong: <c>{name}: {message}</c>.</summary>
    public static NgsiLdException Bad(string name, string message) => new(NgsiLdError.BadRequestData($"{name}: {message}"));

    /// <summary>A member that is text, or absent (null); anything else is BadRequestData naming <paramref name="path"/> (by default the member).</summary>
    public static string? Text(JsonObject o, string member, string? path = null) => o[member] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => (string)v!,
        _ => throw Bad(path ?? member, "must be a string"),
    };
}
