using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UrbanTwin.Gateway.Tests.HostileInput;

/// <summary>
/// Generates malformed variants of a valid request body, deterministically from a seed. Every operator makes the
/// body wrong in a way no endpoint may accept (so any state change is a bug, not an accident of the fuzzer):
/// truncation, a value of the wrong JSON type, a duplicated property, a hostile id in an id field, a non-finite
/// number, invalid UTF-8 in a string, nesting beyond the depth limit, or a stray byte between tokens.
/// </summary>
public sealed class Fuzzer(int seed, IReadOnlySet<string> idFields)
{
    private const string BadBytesMarker = "\u2983BAD\u2984";
    private static readonly byte[] StrayBytes = "#}]:,'\\\u0001"u8.ToArray();
    private static readonly string[] NonFinite = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"];
    private readonly Random _random = new(seed);

    /// <summary>Writes the markers as they are (not \u escapes), so they can be found in the text.</summary>
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IEnumerable<(string Operator, byte[] Body)> Mutate(string validBody, int count)
    {
        var original = JsonNode.Parse(validBody)!;
        var operators = new Func<JsonNode, (string, byte[])?>[]
        {
            n => ("truncate", Truncate(Encoding.UTF8.GetBytes(n.ToJsonString()))),
            WrongType, Duplicate, HostileId, NonFiniteNumber, InvalidUtf8,
            n => ("nest", Encoding.UTF8.GetBytes(new string('[', 20 + _random.Next(200)) + n.ToJsonString() + new string(']', 20 + _random.Next(200)))),
            n => ("stray byte", StrayByte(Encoding.UTF8.GetBytes(n.ToJsonString()))),
        };
        var made = 0;
        while (made < count)
        {
            var pick = operators[_random.Next(operators.Length)];
            if (pick(original.DeepClone()) is { } mutation)
            {
                made++;
                yield return mutation;
            }
        }
    }

    private byte[] Truncate(byte[] body) => body[..(1 + _random.Next(body.Length - 1))];

    private (string, byte[])? WrongType(JsonNode root)
    {
        var (target, parent, key) = PickValue(root, _ => true);
        if (parent is null)
        {
            return null;
        }
        JsonNode[] replacements = target switch
        {
            JsonObject => [new JsonArray(), JsonValue.Create("x"), JsonValue.Create(1)],
            JsonArray => [new JsonObject(), JsonValue.Create("x"), JsonValue.Create(1)],
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [JsonValue.Create(42), JsonValue.Create(true), new JsonArray(), new JsonObject()],
            _ => [JsonValue.Create("12"), JsonValue.Create("NaN"), JsonValue.Create(true), new JsonArray(), new JsonObject()],
        };
        Replace(parent, key, replacements[_random.Next(replacements.Length)]);
        return ("wrong type", Encoding.UTF8.GetBytes(root.ToJsonString()));
    }

    private (string, byte[])? Duplicate(JsonNode root)
    {
        var objects = Descendants(root).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
        if (objects.Count == 0)
        {
            return null;
        }
        var target = objects[_random.Next(objects.Count)];
        var property = target.ElementAt(_random.Next(target.Count));
        // JsonNode cannot hold a duplicate: mark the object and splice the repeated property into the text.
        target["\u2983DUP\u2984"] = 0;
        var text = root.ToJsonString(Relaxed).Replace("\"\u2983DUP\u2984\":0", $"{JsonSerializer.Serialize(property.Key)}:{property.Value?.ToJsonString() ?? "null"}",
            StringComparison.Ordinal);
        return ("duplicate property", Encoding.UTF8.GetBytes(text));
    }

    private (string, byte[])? HostileId(JsonNode root)
    {
        var (target, parent, key) = PickValue(root, n => n.Parent is JsonObject o && idFields.Contains(PropertyName(o, n)) && n is JsonValue);
        if (parent is null || target is null)
        {
            return null;
        }
        Replace(parent, key, JsonValue.Create(HostileCatalog.HostileIds[_random.Next(HostileCatalog.HostileIds.Length)].Replace("\\u0000", "\0").Replace("\\n", "\n")));
        return ("hostile id", Encoding.UTF8.GetBytes(root.ToJsonString()));
    }

    private (string, byte[])? NonFiniteNumber(JsonNode root)
    {
        var (target, parent, key) = PickValue(root, n => n is JsonValue v && v.GetValueKind() == JsonValueKind.Number);
        if (parent is null || target is null)
        {
            return null;
        }
        var token = NonFinite[_random.Next(NonFinite.Length)];
        Replace(parent, key, JsonValue.Create("\u2983NUM\u2984"));
        return ("non-finite number", Encoding.UTF8.GetBytes(root.ToJsonString(Relaxed).Replace("\"\u2983NUM\u2984\"", token, StringComparison.Ordinal)));
    }

    private (string, byte[])? InvalidUtf8(JsonNode root)
    {
        var (target, parent, key) = PickValue(root, n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String);
        if (parent is null || target is null)
        {
            return null;
        }
        var text = target.GetValue<string>();
        var at = _random.Next(text.Length + 1);
        Replace(parent, key, JsonValue.Create(text[..at] + BadBytesMarker + text[at..]));
        var bytes = Encoding.UTF8.GetBytes(root.ToJsonString(Relaxed));
        var marker = Encoding.UTF8.GetBytes(BadBytesMarker);
        var index = bytes.AsSpan().IndexOf(marker);
        byte[] bad = _random.Next(2) == 0 ? [0xff] : [0xc3, 0x28]; // a byte never in UTF-8; a lead byte without its continuation
        return ("invalid UTF-8", [.. bytes[..index], .. bad, .. bytes[(index + marker.Length)..]]);
    }

    /// <summary>A byte that is never valid between tokens, put between two tokens (outside every string).</summary>
    private byte[] StrayByte(byte[] body)
    {
        var outside = new List<int>();
        var inString = false;
        for (var i = 0; i < body.Length; i++)
        {
            if (inString)
            {
                if (body[i] == '\\')
                {
                    i++;
                }
                else if (body[i] == '"')
                {
                    inString = false;
                    outside.Add(i + 1);
                }
            }
            else if (body[i] == '"')
            {
                inString = true;
            }
            else
            {
                outside.Add(i);
            }
        }
        var at = outside[_random.Next(outside.Count)];
        return [.. body[..at], StrayBytes[_random.Next(StrayBytes.Length)], .. body[at..]];
    }

    private (JsonNode? Target, JsonNode? Parent, object? Key) PickValue(JsonNode root, Func<JsonNode, bool> wanted)
    {
        var candidates = Descendants(root).Where(n => n.Parent is not null && wanted(n)).ToList();
        if (candidates.Count == 0)
        {
            return (null, null, null);
        }
        var target = candidates[_random.Next(candidates.Count)];
        object key = target.Parent is JsonArray array ? array.IndexOf(target) : PropertyName((JsonObject)target.Parent!, target);
        return (target, target.Parent, key);
    }

    private static string PropertyName(JsonObject parent, JsonNode child) => parent.First(p => ReferenceEquals(p.Value, child)).Key;

    private static void Replace(JsonNode parent, object? key, JsonNode replacement)
    {
        if (parent is JsonArray array)
        {
            array[(int)key!] = replacement;
        }
        else
        {
            parent[(string)key!] = replacement;
        }
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
