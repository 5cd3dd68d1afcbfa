using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Gateway.NgsiLd.Entities;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.NgsiLd.Query;

/// <summary>
/// An entity's attributes for the query language, its paths as IRIs (as <see cref="EntityQueryReader"/> maps them):
/// a Property's value, a Relationship's object, a GeoProperty (there, compared with nothing); a sub-attribute's the same;
/// <c>observedAt</c> and the like as written; members of a structured value by name.
/// </summary>
public static class EntityTarget
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "observedAt", "unitCode", "datasetId", "createdAt", "modifiedAt" };

    public static QueryTarget For(NgsiEntity entity) => path =>
    {
        JsonNode? node = entity.Attributes.FirstOrDefault(a => a.Iri == path.Attribute).Attribute;
        foreach (var name in path.Names.Skip(1))
        {
            if (node is not JsonObject attribute)
            {
                return null;
            }
            node = Keywords.Contains(name) ? attribute[name] : attribute.FirstOrDefault(m => !Keywords.Contains(m.Key) && ContextResolver.Core.Expand(m.Key) == name).Value;
            if (Keywords.Contains(name))
            {
                return Plain(node);
            }
        }
        if (node is not JsonObject held)
        {
            return null;
        }
        var value = (string?)held["type"] switch
        {
            "Relationship" => held["object"],
            _ => held["value"],
        };
        foreach (var member in path.Members)
        {
            value = value is JsonObject structured ? structured[member] : null;
        }
        return Plain(value);
    };

    /// <summary>
    /// Whether the entity has one of the attributes (IRIs).
    /// </summary>
    public static bool HasAny(NgsiEntity entity, IReadOnlySet<string> attrs) => entity.Attributes.Any(a => attrs.Contains(a.Iri));

    /// <summary>A JSON value as the query language compares it: number, string, boolean, an array of them; an object is there but compares with nothing.</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(Plain).OfType<object>().ToArray(),
        JsonObject structured => structured,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.Number => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture), // whatever number type it was made from
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };
}
