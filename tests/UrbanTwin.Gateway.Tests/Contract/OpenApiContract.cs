using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace UrbanTwin.Gateway.Tests.Contract;

/// <summary>
/// The gateway's OpenAPI document as a contract to check real traffic against: the operation a request matches, the
/// responses it may give (status codes and media types) and their schemas, validated with a JSON Schema 2020-12
/// validator that also checks formats (date-time, uri…). Every integer in a response must also fit in 2^53 - 1,
/// the largest a JavaScript client holds exactly.
/// </summary>
public sealed class OpenApiContract
{
    public const long MaxSafeInteger = (1L << 53) - 1;

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly JsonObject _document;
    private readonly JsonObject _definitions;
    private readonly (Regex Pattern, string Template, int Literals)[] _paths;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    public OpenApiContract(string documentJson)
    {
        _document = JsonNode.Parse(documentJson)!.AsObject();
        // Component references become references into this one schema's own $defs, so each schema below can carry them.
        var schemas = _document["components"]?["schemas"]?.ToJsonString() ?? "{}";
        _definitions = JsonNode.Parse(schemas.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!.AsObject();
        _paths = [.. _document["paths"]!.AsObject().Select(p => (
            new Regex("^" + Regex.Replace(Regex.Escape(p.Key), @"\\\{[^}]+}", "[^/]+") + "$", RegexOptions.CultureInvariant),
            p.Key,
            Regex.Replace(p.Key, @"\{[^}]+}", "").Length))
            .OrderByDescending(p => p.Item3)];
    }

    public JsonObject Document => _document;

    /// <summary>Everything about one exchange that the document does not allow; empty when it conforms.</summary>
    public List<string> Check(string method, Uri uri, string? requestContentType, string? requestBody, int status, string? responseContentType, string responseBody)
    {
        var violations = new List<string>();
        var path = uri.AbsolutePath;
        var where = $"{method} {path}{uri.Query} → {status}";
        if (!path.StartsWith("/api/", StringComparison.Ordinal))
        {
            return violations; // the dashboard, health, metrics and the document itself are not part of the API
        }
        if (_paths.FirstOrDefault(p => p.Pattern.IsMatch(path)) is not { Template: { } template })
        {
            if (status != 404)
            {
                violations.Add($"{where}: no path of the document matches, yet the answer is not 404");
            }
            return violations;
        }
        if (_document["paths"]![template]![method.ToLowerInvariant()] is not JsonObject operation)
        {
            if (status != 405)
            {
                violations.Add($"{where}: the document has no {method} operation at {template}, yet the answer is not 405");
            }
            return violations;
        }
        var responses = operation["responses"]?.AsObject();
        var response = responses?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses?[$"{status / 100}XX"] ?? responses?["default"];
        if (response is null)
        {
            violations.Add($"{where}: status {status} is not among the documented responses ({string.Join(", ", responses?.Select(r => r.Key) ?? [])}) of {method} {template}");
            return violations;
        }
        if (IsJson(responseContentType) && responseBody.Length > 0)
        {
            var node = JsonNode.Parse(responseBody);
            CheckIntegers(node, "", where, violations);
            if (MediaSchema(response["content"], responseContentType!) is { } schema)
            {
                Validate($"{method} {template} {status} {responseContentType}", schema, node, $"{where}: response body", violations);
            }
            else
            {
                violations.Add($"{where}: {responseContentType} is not a documented media type of this response");
            }
        }
        if (status is >= 200 and < 300 && IsJson(requestContentType) && !string.IsNullOrEmpty(requestBody)
            && MediaSchema(operation["requestBody"]?["content"], requestContentType!) is { } requestSchema)
        {
            Validate($"{method} {template} request {requestContentType}", requestSchema, JsonNode.Parse(requestBody), $"{where}: request body (accepted by the API)", violations);
        }
        if (status is >= 200 and < 300)
        {
            var documented = operation["parameters"]?.AsArray().Where(p => (string?)p!["in"] == "query").Select(p => (string)p!["name"]!).ToHashSet() ?? [];
            foreach (var name in System.Web.HttpUtility.ParseQueryString(uri.Query).AllKeys.OfType<string>().Where(n => !documented.Contains(n)))
            {
                violations.Add($"{where}: query parameter '{name}' was accepted but is not documented");
            }
        }
        return violations;
    }

    /// <summary>What is wrong with the examples of component schema <paramref name="name"/>; empty when they validate.</summary>
    public List<string> ValidateExample(string name)
    {
        var violations = new List<string>();
        var schema = _document["components"]!["schemas"]![name]!;
        foreach (var example in schema["examples"]!.AsArray())
        {
            Validate("example " + name, JsonNode.Parse($$"""{"$ref":"#/components/schemas/{{name}}"}""")!, example!.DeepClone(), $"the example of {name}", violations);
        }
        return violations;
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase));

    private static JsonNode? MediaSchema(JsonNode? content, string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        return content?[mediaType]?["schema"];
    }

    private void Validate(string key, JsonNode schemaNode, JsonNode? instance, string what, List<string> violations)
    {
        var schema = _schemas.GetOrAdd(key, _ =>
        {
            var wrapper = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$defs"] = _definitions.DeepClone(),
                ["allOf"] = new JsonArray(JsonNode.Parse(schemaNode.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))),
            };
            return JsonSchema.FromText(wrapper.ToJsonString());
        });
        var result = schema.Evaluate(instance, Evaluation);
        if (!result.IsValid)
        {
            var details = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})")).Distinct().Take(8);
            violations.Add($"{what} does not match the document: {string.Join("; ", details)}");
        }
    }

    private static void CheckIntegers(JsonNode? node, string at, string where, List<string> violations)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    CheckIntegers(value, $"{at}/{name}", where, violations);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    CheckIntegers(a[i], $"{at}/{i}", where, violations);
                }
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                var text = v.ToJsonString();
                if (!text.Contains('.') && !text.Contains('e') && !text.Contains('E') && (!long.TryParse(text, out var n) || Math.Abs(n) > MaxSafeInteger))
                {
                    violations.Add($"{where}: {at} = {text} is beyond 2^53 - 1 (a JavaScript client would round it)");
                }
                break;
        }
    }
}
