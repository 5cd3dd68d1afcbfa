using System.Text.Json;
using System.Text.Json.Nodes;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

using static UrbanTwin.Gateway.NgsiLd.NgsiLdJson;
namespace UrbanTwin.Gateway.NgsiLd.Entities;

/// <summary>
/// An entity or an entity fragment as a request writes it (clause 4.5.1, normalized), its names expanded with the
/// request's context: <see cref="Id"/> and <see cref="TypeIri"/> (either may be absent in a fragment), each attribute
/// by IRI with the term it was written as. Attributes are Properties, GeoProperties or Relationships; several
/// instances of one attribute (<c>datasetId</c>) are not taken.
/// </summary>
public sealed record EntityDocument(string? Id, string? TypeIri, IReadOnlyList<EntityAttribute> Attributes)
{
    /// <summary>The most attributes one entity may carry.</summary>
    public const int MaxAttributes = 64;

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "id", "type", "@context", "scope", "createdAt", "modifiedAt", "deletedAt" };

    /// <summary>Reads an entity (<paramref name="fragment"/>: a fragment, without id or type); BadRequestData naming what is wrong.</summary>
    public static EntityDocument Read(JsonNode? node, LdContext context, bool fragment, string path = "")
    {
        if (node is not JsonObject entity)
        {
            throw Bad(path.Length == 0 ? "body" : path, fragment ? "must be an object of attributes" : "must be an entity: an object with id, type and attributes");
        }
        string? id = null, type = null;
        if (!fragment)
        {
            id = Text(entity, "id", path) ?? throw Bad(path + "id", "required");
            if (!Uri.TryCreate(id, UriKind.Absolute, out _))
            {
                throw Bad(path + "id", $"'{id}' is not a URI");
            }
            var written = entity["type"] is JsonArray ? throw Bad(path + "type", "this broker takes one type per entity") : Text(entity, "type", path)
                ?? throw Bad(path + "type", "required");
            type = context.Expand(written);
        }
        var attributes = new List<EntityAttribute>();
        foreach (var (name, value) in entity)
        {
            if (Reserved.Contains(name))
            {
                if (fragment && name is "id" or "type")
                {
                    throw Bad(path + name, "not an attribute: the entity's id and type are not changed here");
                }
                continue;
            }
            if (attributes.Count == MaxAttributes)
            {
                throw Bad(path.Length == 0 ? "body" : path, $"more than {MaxAttributes} attributes");
            }
            attributes.Add(EntityAttribute.Read(name, value, context, path + name));
        }
        if (fragment && attributes.Count == 0)
        {
            throw Bad(path.Length == 0 ? "body" : path, "no attributes");
        }
        return new EntityDocument(id, type, attributes);
    }


}

/// <summary>One attribute as written: its term, its IRI, its kind (Property, GeoProperty, Relationship) and members.</summary>
public sealed record EntityAttribute(string Term, string Iri, string Kind, JsonObject Body, string Path)
{
    /// <summary>The attribute with its sub-attributes' names expanded to IRIs (NGSI-LD's own members as they are), as it is stored.</summary>
    public JsonObject Expanded { get; private init; } = Body;

    public JsonNode? Value => Kind == "Relationship" ? Body["object"] : Body["value"];

    public string? ObservedAt => Body["observedAt"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? (string)v! : null;

    public static EntityAttribute Read(string term, JsonNode? node, LdContext context, string path)
    {
        if (node is JsonArray)
        {
            throw new NgsiLdException(NgsiLdError.OperationNotSupported($"{path}: several instances of an attribute (datasetId) are not supported by this broker"));
        }
        if (node is not JsonObject body || body["type"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String)
        {
            throw Bad(path, "must be an attribute: an object with a type (Property, GeoProperty or Relationship)");
        }
        var kind = (string)t!;
        switch (kind)
        {
            case "Property" or "GeoProperty" when body["value"] is null:
                throw Bad(path, $"a {kind} needs a value");
            case "Relationship" when body["object"] is not JsonValue o || o.GetValueKind() != JsonValueKind.String || !Uri.TryCreate((string)o!, UriKind.Absolute, out _):
                throw Bad(path, "a Relationship needs an object: the URI of an entity");
            case "Property" or "GeoProperty" or "Relationship":
                break;
            case "LanguageProperty" or "VocabProperty" or "ListProperty" or "ListRelationship" or "JsonProperty":
                throw new NgsiLdException(NgsiLdError.OperationNotSupported($"{path}: {kind} is not supported by this broker"));
            default:
                throw Bad(path, $"'{kind}' is not Property, GeoProperty or Relationship");
        }
        if (body["datasetId"] is not null)
        {
            throw new NgsiLdException(NgsiLdError.OperationNotSupported($"{path}: several instances of an attribute (datasetId) are not supported by this broker"));
        }
        return new EntityAttribute(term, context.Expand(term), kind, body, path) { Expanded = Expand(body, context) };
    }

    private static JsonObject Expand(JsonObject attribute, LdContext context)
    {
        var expanded = new JsonObject();
        foreach (var (key, value) in attribute)
        {
            var member = NgsiEntity.IsAttributeMember(key);
            expanded[member ? key : context.Expand(key)] = !member && value is JsonObject sub ? Expand(sub, context) : value?.DeepClone();
        }
        return expanded;
    }
}
