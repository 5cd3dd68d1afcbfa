using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.NgsiLd.Entities;

/// <summary>A metric value an entity carries: a reading of the asset, taken <see cref="At"/> (null: when the gateway received it).</summary>
public sealed record Measure(string Metric, double Value, DateTimeOffset? At, string Path);

/// <summary>
/// What an entity (or fragment) of an asset type says of the asset: <c>name</c>, <c>location</c> (a GeoJSON Point),
/// <c>containedIn</c> (its district), registered attributes (Properties with text values), and measures (Properties
/// with number values, each with its <c>observedAt</c>): the twin's names are the default vocabulary's terms.
/// <c>status</c>, <c>activeAlarms</c> and the air-quality index are the twin's own conclusions and are not written.
/// </summary>
public sealed partial record AssetChanges(string? Name, GeoPoint? Location, string? NodeId, Dictionary<string, string> Attributes, List<Measure> Measures)
{
    private static readonly HashSet<string> Derived = new(StringComparer.Ordinal) { "status", "activeAlarms", "airQualityIndex", "airQualityLevel" };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    public bool ChangesDefinition => Name is not null || Location is not null || NodeId is not null || Attributes.Count > 0;

    public static AssetChanges Of(EntityDocument document, string type)
    {
        string? name = null, nodeId = null;
        GeoPoint? location = null;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var measures = new List<Measure>();
        foreach (var attribute in document.Attributes)
        {
            var twin = ContextResolver.Core.Compact(attribute.Iri);
            if (twin.Contains(':', StringComparison.Ordinal))
            {
                throw Bad(attribute, $"'{attribute.Iri}' is not an attribute of a {type} (the twin's attributes are terms of the default vocabulary)");
            }
            if (Derived.Contains(twin))
            {
                throw Bad(attribute, $"{twin} is concluded by the twin from the readings, not written");
            }
            switch (twin)
            {
                case "name":
                    name = attribute.Kind == "Property" && attribute.Value is JsonValue n && n.GetValueKind() == JsonValueKind.String
                        ? (string)n! : throw Bad(attribute, "a Property with a text value");
                    break;
                case "location":
                    location = Point(attribute);
                    break;
                case "containedIn":
                    nodeId = attribute.Kind == "Relationship" && EntityTypes.Parse((string)attribute.Value!) is (EntityTypes.AdministrativeArea, var node)
                        ? node : throw Bad(attribute, "a Relationship to the asset's district, urn:ngsi-ld:AdministrativeArea:<district id>");
                    break;
                default:
                    if (attribute.Kind != "Property")
                    {
                        throw Bad(attribute, $"an asset's {attribute.Kind} is only location (GeoProperty) or containedIn (Relationship)");
                    }
                    switch (attribute.Value)
                    {
                        case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                            measures.Add(new Measure(twin, double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture), ObservedAt(attribute), attribute.Path));
                            break;
                        case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                            attributes[twin] = (string)v!;
                            break;
                        default:
                            throw Bad(attribute, "an asset's Property is a number (a reading of one of its kind's metrics) or a text (a registered attribute)");
                    }
                    break;
            }
        }
        return new AssetChanges(name, location, nodeId, attributes, measures);
    }

    /// <summary>
    /// The measures as readings, one per time they were observed at, oldest first; checked as telemetry is before it
    /// reaches the asset: a metric of the kind, within its range, not ahead of the clock by more than the skew.
    /// </summary>
    public Reading[] Readings(string kind, DateTimeOffset now, int maxFutureSkewSeconds)
    {
        var definition = AssetCatalog.Get(kind);
        foreach (var measure in Measures)
        {
            if (definition.Metric(measure.Metric) is not { } metric)
            {
                throw NgsiLdJson.Bad(measure.Path, $"'{measure.Metric}' is not a metric of {kind} (known: {string.Join(", ", definition.Metrics.Select(m => m.Name))})");
            }
            if (!metric.InRange(measure.Value))
            {
                throw NgsiLdJson.Bad(measure.Path, $"{measure.Value} is outside the possible range {metric.Min}..{metric.Max} {metric.Unit}");
            }
            if (measure.At > now.AddSeconds(maxFutureSkewSeconds))
            {
                throw NgsiLdJson.Bad(measure.Path + ".observedAt", $"{measure.At:O} is more than {maxFutureSkewSeconds} s ahead of the server clock");
            }
        }
        return [.. Measures.GroupBy(m => m.At).OrderBy(g => g.Key ?? now)
            .Select(g => new Reading(g.Key ?? now, null, [.. g.Select(m => new MetricSample(m.Metric, m.Value))], TimedByGateway: g.Key is null))];
    }

    private static GeoPoint Point(EntityAttribute attribute)
    {
        if (attribute.Kind == "GeoProperty" && attribute.Value is JsonObject { } geometry && (string?)geometry["type"] == "Point"
            && geometry["coordinates"] is JsonArray { Count: 2 } c && c[0] is JsonValue x && x.GetValueKind() == JsonValueKind.Number
            && c[1] is JsonValue y && y.GetValueKind() == JsonValueKind.Number)
        {
            var (lng, lat) = (x.GetValue<double>(), y.GetValue<double>());
            if (lng is >= -180 and <= 180 && lat is >= -90 and <= 90)
            {
                return new GeoPoint(lng, lat);
            }
        }
        throw Bad(attribute, "an asset's location is a GeoProperty with a GeoJSON Point, [longitude, latitude] in degrees");
    }

    private static DateTimeOffset? ObservedAt(EntityAttribute attribute)
    {
        if (attribute.Body["observedAt"] is null)
        {
            return null;
        }
        return attribute.ObservedAt is { } text && Rfc3339().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at : throw NgsiLdJson.Bad(attribute.Path + ".observedAt", "an RFC 3339 date-time with an offset, e.g. 2026-12-03T08:00:00Z");
    }

    private static NgsiLdException Bad(EntityAttribute attribute, string message) => NgsiLdJson.Bad(attribute.Path, message);

}
