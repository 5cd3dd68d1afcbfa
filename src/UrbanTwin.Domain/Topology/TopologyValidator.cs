using System.Text.Json;
using System.Text.RegularExpressions;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Domain.Topology;

/// <summary>
/// Checks a topology document field by field (<see cref="ToDefinitions"/>) and against the tree it is merged into
/// (<see cref="CheckTree"/>). A document with any error is refused whole, so a bad import changes nothing.
/// </summary>
public static partial class TopologyValidator
{
    public const int MaxNodes = 20_000;
    public const int MaxNameLength = 200;

    [GeneratedRegex(@"^[0-9]{6}\z")]
    private static partial Regex DivisionCode();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9]{0,63}\z")]
    private static partial Regex IndicatorName();

    public static NodeDefinition[] ToDefinitions(TopologyDocument document, List<FieldError> errors)
    {
        if (document.Nodes is not { Count: > 0 } nodes)
        {
            errors.Add(new FieldError("nodes", "must be a non-empty array of nodes"));
            return [];
        }
        if (nodes.Count > MaxNodes)
        {
            errors.Add(new FieldError("nodes", $"at most {MaxNodes} nodes per document"));
            return [];
        }

        var result = new List<NodeDefinition>(nodes.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            var path = $"nodes[{i}]";
            if (nodes[i] is not { } node)
            {
                errors.Add(new FieldError(path, "must be an object"));
                continue;
            }
            var before = errors.Count;
            if (!Identifiers.IsValidNodeId(node.Id))
            {
                errors.Add(new FieldError($"{path}.id", Identifiers.Describe(Identifiers.MaxNodeIdLength)));
            }
            else if (!seen.Add(node.Id!))
            {
                errors.Add(new FieldError($"{path}.id", $"'{node.Id}' appears more than once"));
            }
            NodeKind? kind = node.Kind switch
            {
                "province" => NodeKind.Province,
                "cluster" => NodeKind.Cluster,
                "city" => NodeKind.City,
                "district" => NodeKind.District,
                _ => null,
            };
            if (kind is null)
            {
                errors.Add(new FieldError($"{path}.kind", "must be one of province, cluster, city, district"));
            }
            if (kind == NodeKind.Province && node.ParentId is not null)
            {
                errors.Add(new FieldError($"{path}.parentId", "a province has no parent"));
            }
            else if (kind is not null and not NodeKind.Province && !Identifiers.IsValidNodeId(node.ParentId))
            {
                errors.Add(new FieldError($"{path}.parentId", "required: the id of the node one level up"));
            }
            if (node.Code is not null && !DivisionCode().IsMatch(node.Code))
            {
                errors.Add(new FieldError($"{path}.code", "must be a 6-digit GB/T 2260 division code"));
            }
            CheckText(errors, $"{path}.name", node.Name, required: true);
            CheckText(errors, $"{path}.nameZh", node.NameZh, required: false);
            var location = CheckLocation(errors, $"{path}.location", node.Location);
            var tags = CheckTags(errors, $"{path}.tags", node.Tags);
            var attributes = CheckAttributes(errors, $"{path}.attributes", node.Attributes);
            var indicators = CheckIndicators(errors, $"{path}.indicators", node.Indicators);
            var boundary = node.Boundary is { ValueKind: not JsonValueKind.Null } geometry ? BoundaryReader.Read(geometry, $"{path}.boundary", errors) : null;
            if (errors.Count == before)
            {
                result.Add(new NodeDefinition(node.Id!, kind!.Value, node.ParentId, node.Code, node.Name!, node.NameZh, location,
                    tags, attributes, indicators, boundary));
            }
        }
        return [.. result];
    }

    /// <summary>
    /// Checks the merged tree: every parent exists and sits exactly one level up, and codes are unique. Because
    /// every edge goes one level up, the tree cannot contain a cycle.
    /// </summary>
    public static List<FieldError> CheckTree(IReadOnlyDictionary<string, NodeDefinition> existing, NodeDefinition[] incoming)
    {
        var errors = new List<FieldError>();
        var merged = new Dictionary<string, NodeDefinition>(existing, StringComparer.Ordinal);
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < incoming.Length; i++)
        {
            merged[incoming[i].Id] = incoming[i];
            indexOf[incoming[i].Id] = i;
        }

        foreach (var node in merged.Values)
        {
            var path = indexOf.TryGetValue(node.Id, out var i) ? $"nodes[{i}]" : null;
            if (node.ParentId is null)
            {
                continue;
            }
            if (!merged.TryGetValue(node.ParentId, out var parent))
            {
                errors.Add(new FieldError($"{path ?? node.Id}.parentId", $"'{node.ParentId}' is not a known node"));
            }
            else if ((int)parent.Kind != (int)node.Kind - 1)
            {
                // Reported on the incoming side: either this node or its parent is in the document.
                var where = path ?? (indexOf.TryGetValue(parent.Id, out var p) ? $"nodes[{p}]" : node.Id);
                var field = path is not null ? "parentId" : "kind";
                errors.Add(new FieldError($"{where}.{field}",
                    $"a {Name(node.Kind)} ('{node.Id}') must have a {Name(node.Kind - 1)} as parent, not the {Name(parent.Kind)} '{parent.Id}'"));
            }
        }

        foreach (var group in merged.Values.Where(n => n.Code is not null).GroupBy(n => n.Code).Where(g => g.Count() > 1))
        {
            var inDocument = group.FirstOrDefault(n => indexOf.ContainsKey(n.Id)) ?? group.First();
            var path = indexOf.TryGetValue(inDocument.Id, out var i) ? $"nodes[{i}]" : inDocument.Id;
            errors.Add(new FieldError($"{path}.code", $"code {group.Key} is used by {string.Join(", ", group.Select(n => n.Id))}"));
        }
        return errors;
    }

    public static string Name(NodeKind kind) => kind.ToString().ToLowerInvariant();

    private static void CheckText(List<FieldError> errors, string path, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors.Add(new FieldError(path, "required"));
            }
        }
        else if (value.Length > MaxNameLength || value.Any(char.IsControl))
        {
            errors.Add(new FieldError(path, $"at most {MaxNameLength} characters, no control characters"));
        }
    }

    private static GeoPoint? CheckLocation(List<FieldError> errors, string path, GeoPointDocument? location)
    {
        if (location is null)
        {
            return null;
        }
        if (location.Lng is not { } lng || !double.IsFinite(lng) || lng < -180 || lng > 180)
        {
            errors.Add(new FieldError($"{path}.lng", "required, between -180 and 180"));
            return null;
        }
        if (location.Lat is not { } lat || !double.IsFinite(lat) || lat < -90 || lat > 90)
        {
            errors.Add(new FieldError($"{path}.lat", "required, between -90 and 90"));
            return null;
        }
        return new GeoPoint(lng, lat);
    }

    private static string[] CheckTags(List<FieldError> errors, string path, List<string?>? tags)
    {
        if (tags is null)
        {
            return [];
        }
        if (tags.Count > 32)
        {
            errors.Add(new FieldError(path, "at most 32 tags"));
            return [];
        }
        for (var i = 0; i < tags.Count; i++)
        {
            if (!Identifiers.IsValidNodeId(tags[i]))
            {
                errors.Add(new FieldError($"{path}[{i}]", Identifiers.Describe(Identifiers.MaxNodeIdLength)));
            }
        }
        return [.. tags!];
    }

    private static Dictionary<string, string> CheckAttributes(List<FieldError> errors, string path, Dictionary<string, string?>? attributes)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (attributes is null)
        {
            return result;
        }
        if (attributes.Count > 64)
        {
            errors.Add(new FieldError(path, "at most 64 attributes"));
            return result;
        }
        foreach (var (key, value) in attributes)
        {
            if (key.Length is 0 or > 64 || value is null || value.Length > 1000)
            {
                errors.Add(new FieldError($"{path}.{key}", "keys of 1–64 characters with string values of at most 1000 characters"));
                continue;
            }
            result[key] = value;
        }
        return result;
    }

    private static IndicatorFact[] CheckIndicators(List<FieldError> errors, string path, List<IndicatorDocument?>? indicators)
    {
        if (indicators is null)
        {
            return [];
        }
        var result = new List<IndicatorFact>(indicators.Count);
        var seen = new HashSet<(string, int)>();
        for (var i = 0; i < indicators.Count; i++)
        {
            var p = $"{path}[{i}]";
            var indicator = indicators[i];
            if (indicator?.Name is not { } name || !IndicatorName().IsMatch(name))
            {
                errors.Add(new FieldError($"{p}.name", "required: a camelCase name of at most 64 letters and digits"));
            }
            else if (indicator.Year is not { } year || year < 1900 || year > 2100)
            {
                errors.Add(new FieldError($"{p}.year", "required, between 1900 and 2100"));
            }
            else if (indicator.Value is not { } value || !double.IsFinite(value) || value < 0)
            {
                errors.Add(new FieldError($"{p}.value", "required: a finite number ≥ 0"));
            }
            else if (!seen.Add((name, year)))
            {
                errors.Add(new FieldError($"{p}.year", $"{name} for {year} appears more than once"));
            }
            else if (indicator.Source is { Length: > 200 })
            {
                errors.Add(new FieldError($"{p}.source", "at most 200 characters"));
            }
            else
            {
                result.Add(new IndicatorFact(name, year, value, indicator.Source));
            }
        }
        return [.. result];
    }
}
