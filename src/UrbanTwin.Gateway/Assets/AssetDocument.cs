using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Gateway.Assets;

/// <summary>One asset in a <c>POST /api/v1/assets</c> body; every field nullable so validation names what is missing.</summary>
public sealed class AssetDocument
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public string? NodeId { get; set; }
    public string? Name { get; set; }
    public GeoPointDocument? Location { get; set; }
    public int? ReportingIntervalSeconds { get; set; }
    public Dictionary<string, List<ThresholdDocument?>?>? Thresholds { get; set; }
    public Dictionary<string, string?>? Attributes { get; set; }
}

public sealed class ThresholdDocument
{
    public AlarmLevel? Level { get; set; }
    public Comparison? Op { get; set; }
    public double? Value { get; set; }
    public double? Hysteresis { get; set; }
}

/// <summary>Turns an asset document into a definition, or says which fields are wrong.</summary>
public static class AssetDocumentValidator
{
    public const int MaxIntervalSeconds = 86_400;

    public static AssetDefinition? Validate(AssetDocument document, NodeDirectory.Tree tree, List<FieldError> errors)
    {
        var before = errors.Count;
        if (!Identifiers.IsValidAssetId(document.Id))
        {
            errors.Add(new FieldError("id", Identifiers.Describe(Identifiers.MaxAssetIdLength)));
        }
        var kind = document.Kind is null ? null : AssetCatalog.Find(document.Kind);
        if (kind is null)
        {
            errors.Add(new FieldError("kind", "must be one of " + string.Join(", ", AssetCatalog.Kinds.Select(k => k.Name))));
        }
        if (document.NodeId is null || tree.Find(document.NodeId) is not { } node)
        {
            errors.Add(new FieldError("nodeId", $"'{document.NodeId}' is not a known node"));
        }
        else if (node.Kind != NodeKind.District)
        {
            errors.Add(new FieldError("nodeId", $"assets belong to a district; '{node.Id}' is a {TopologyValidator.Name(node.Kind)}"));
        }
        if (string.IsNullOrWhiteSpace(document.Name) || document.Name.Length > TopologyValidator.MaxNameLength || document.Name.Any(char.IsControl))
        {
            errors.Add(new FieldError("name", $"required: 1–{TopologyValidator.MaxNameLength} characters, no control characters"));
        }
        GeoPoint? location = null;
        if (document.Location is not { Lng: { } lng, Lat: { } lat })
        {
            errors.Add(new FieldError("location", "required: {lng, lat}"));
        }
        else if (!double.IsFinite(lng) || lng is < -180 or > 180)
        {
            errors.Add(new FieldError("location.lng", "must be between -180 and 180"));
        }
        else if (!double.IsFinite(lat) || lat is < -90 or > 90)
        {
            errors.Add(new FieldError("location.lat", "must be between -90 and 90"));
        }
        else
        {
            location = new GeoPoint(lng, lat);
        }
        if (document.ReportingIntervalSeconds is { } interval && interval is < 1 or > MaxIntervalSeconds)
        {
            errors.Add(new FieldError("reportingIntervalSeconds", $"must be between 1 and {MaxIntervalSeconds}"));
        }
        var thresholds = kind is null ? [] : ValidateThresholds(kind, document.Thresholds, errors);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (document.Attributes is { } given)
        {
            if (given.Count > 32)
            {
                errors.Add(new FieldError("attributes", "at most 32 attributes"));
            }
            foreach (var (key, value) in given)
            {
                if (key.Length is 0 or > 64 || value is null || value.Length > 1000)
                {
                    errors.Add(new FieldError($"attributes.{key}", "keys of 1–64 characters with string values of at most 1000 characters"));
                }
                else
                {
                    attributes[key] = value;
                }
            }
        }

        return errors.Count > before
            ? null
            : new AssetDefinition(document.Id!, kind!.Name, document.NodeId!, document.Name!.Trim(), location!,
                document.ReportingIntervalSeconds ?? kind.ReportingIntervalSeconds, thresholds, attributes);
    }

    private static Dictionary<string, ThresholdRule[]> ValidateThresholds(AssetKindDefinition kind, Dictionary<string, List<ThresholdDocument?>?>? given, List<FieldError> errors)
    {
        var result = new Dictionary<string, ThresholdRule[]>(StringComparer.Ordinal);
        foreach (var (metricName, documents) in given ?? [])
        {
            var path = $"thresholds.{metricName}";
            if (kind.Metric(metricName) is not { } metric)
            {
                errors.Add(new FieldError(path, $"'{metricName}' is not a metric of {kind.Name}"));
                continue;
            }
            if (documents is null || documents.Count > 6)
            {
                errors.Add(new FieldError(path, "must be an array of at most 6 thresholds"));
                continue;
            }
            var rules = new List<ThresholdRule>();
            for (var i = 0; i < documents.Count; i++)
            {
                if (documents[i] is not { Level: { } level, Op: { } op, Value: { } value } document)
                {
                    errors.Add(new FieldError($"{path}[{i}]", "each threshold needs level (warning|alarm), op (gte|gt|lte|lt) and value"));
                    continue;
                }
                // Without an explicit band, clear 10 % of the limit back from it (a gas alarm clears below 90 %).
                rules.Add(new ThresholdRule(level, op, value, document.Hysteresis ?? Math.Abs(value) * 0.1));
            }
            foreach (var problem in ThresholdValidator.Check(metric, rules))
            {
                errors.Add(new FieldError(path, problem));
            }
            result[metricName] = [.. rules];
        }
        if (kind.ThresholdsRequired && !result.Values.Any(r => r.Length > 0))
        {
            errors.Add(new FieldError("thresholds", $"a {kind.Name} must bring its own thresholds (they are structure-specific)"));
        }
        return result;
    }
}
