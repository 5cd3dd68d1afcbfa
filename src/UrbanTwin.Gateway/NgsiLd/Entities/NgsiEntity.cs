using System.Globalization;
using System.Text.Json.Nodes;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.NgsiLd.Entities;

/// <summary>
/// An entity in NGSI-LD's normalized form, its type and attribute names as IRIs (expanded with the core context), so
/// that any active context can compact them on the way out (<see cref="Render"/>).
/// </summary>
public sealed class NgsiEntity(string id, string typeIri)
{
    /// <summary>Members of an attribute that are NGSI-LD's own, never sub-attributes (clause 4.5).</summary>
    private static readonly HashSet<string> AttributeMembers = new(StringComparer.Ordinal)
    {
        "type", "value", "object", "objectList", "languageMap", "valueList", "vocab", "json", "observedAt", "unitCode", "datasetId",
        "createdAt", "modifiedAt", "objectType",
    };

    private readonly List<(string Iri, JsonObject Attribute)> _attributes = [];

    /// <summary>True for NGSI-LD's own members of an attribute (<c>value</c>, <c>observedAt</c>, …), which are never sub-attributes.</summary>
    public static bool IsAttributeMember(string name) => AttributeMembers.Contains(name);

    /// <summary>A stored entity of a type the twin has no model for, its attributes as they were written (their names expanded).</summary>
    public static NgsiEntity FromStored(Contracts.Entities.StoredEntity stored)
    {
        var entity = new NgsiEntity(stored.Id, stored.TypeIri);
        foreach (var attribute in stored.Attributes)
        {
            entity._attributes.Add((attribute.Iri, JsonNode.Parse(attribute.Json)!.AsObject()));
        }
        return entity;
    }

    public string Id { get; } = id;
    public string TypeIri { get; } = typeIri;
    public IReadOnlyList<(string Iri, JsonObject Attribute)> Attributes => _attributes;

    /// <summary>An entity of the twin's own vocabulary: type and attribute names are terms of the core context.</summary>
    public static NgsiEntity Of(string id, string type) => new(id, ContextResolver.Core.Expand(type));

    public NgsiEntity Property(string name, JsonNode? value, DateTimeOffset? observedAt = null, string? unitCode = null, JsonObject? more = null)
    {
        var attribute = new JsonObject { ["type"] = "Property", ["value"] = value };
        if (observedAt is { } at)
        {
            attribute["observedAt"] = Timestamp(at);
        }
        if (unitCode is not null)
        {
            attribute["unitCode"] = unitCode;
        }
        foreach (var (key, sub) in more ?? [])
        {
            attribute[key] = sub?.DeepClone();
        }
        return Add(name, attribute);
    }

    public NgsiEntity GeoProperty(string name, double lng, double lat) =>
        Add(name, new JsonObject { ["type"] = "GeoProperty", ["value"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(lng, lat) } });

    /// <summary>A relationship to one entity, or to several (an array of objects).</summary>
    public NgsiEntity Relationship(string name, params string[] objects) =>
        Add(name, new JsonObject { ["type"] = "Relationship", ["object"] = objects.Length == 1 ? objects[0] : new JsonArray([.. objects.Select(o => (JsonNode)o)]) });

    private NgsiEntity Add(string name, JsonObject attribute)
    {
        _attributes.Add((ContextResolver.Core.Expand(name), attribute));
        return this;
    }

    /// <summary>
    /// The entity as answered: names compacted with <paramref name="context"/>; only the attributes whose IRIs are in
    /// <paramref name="attrs"/> when given; simplified (<c>keyValues</c>) or normalized; with <paramref name="contextValue"/>
    /// as its <c>@context</c> when the answer is JSON-LD.
    /// </summary>
    public JsonObject Render(LdContext context, bool keyValues, IReadOnlySet<string>? attrs, JsonNode? contextValue)
    {
        var entity = new JsonObject { ["id"] = Id, ["type"] = context.Compact(TypeIri) };
        foreach (var (iri, attribute) in _attributes)
        {
            if (attrs is not null && !attrs.Contains(iri))
            {
                continue;
            }
            entity[context.Compact(iri)] = keyValues ? Simplified(attribute) : Compacted(attribute, context);
        }
        if (contextValue is not null)
        {
            entity["@context"] = contextValue.DeepClone();
        }
        return entity;
    }

    /// <summary>The attribute's value alone (clause 4.5.4): a Property's value, a GeoProperty's geometry, a Relationship's object.</summary>
    private static JsonNode? Simplified(JsonObject attribute) => (string?)attribute["type"] switch
    {
        "Relationship" => attribute["object"]?.DeepClone(),
        _ => attribute["value"]?.DeepClone(),
    };

    private static JsonObject Compacted(JsonObject attribute, LdContext context)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in attribute)
        {
            copy[AttributeMembers.Contains(key) ? key : context.Compact(ContextResolver.Core.Expand(key))] = value is JsonObject sub && !AttributeMembers.Contains(key)
                ? Compacted(sub, context)
                : value?.DeepClone();
        }
        return copy;
    }

    public static string Timestamp(DateTimeOffset at) => NgsiLdFormats.Timestamp(at);

    /// <summary>
    /// An asset: its metrics as Properties (latest value, when it was observed, its UN/CEFACT unit, and its alarm level
    /// as a sub-property), <c>location</c>, <c>name</c>, <c>status</c>, <c>activeAlarms</c>, its registered attributes,
    /// and <c>containedIn</c> its district.
    /// </summary>
    public static NgsiEntity FromAsset(AssetSnapshot asset, DateTimeOffset now)
    {
        var definition = asset.Definition;
        var entity = Of(EntityTypes.AssetId(definition.Kind, definition.Id), EntityTypes.OfKind(definition.Kind));
        entity.Property("name", definition.Name);
        var status = asset.SilentAfter <= now ? AssetStatus.Offline : asset.Status;
        entity.Property("status", status.ToString().ToLowerInvariant());
        entity.GeoProperty("location", definition.Location.Lng, definition.Location.Lat);
        foreach (var metric in AssetCatalog.Get(definition.Kind).Metrics)
        {
            if (asset.Readings.TryGetValue(metric.Name, out var reading))
            {
                var level = asset.Levels.GetValueOrDefault(metric.Name);
                entity.Property(metric.Name, reading.Value, reading.Ts, EntityTypes.UnitCode(reading.Unit),
                    new JsonObject { ["alarmLevel"] = new JsonObject { ["type"] = "Property", ["value"] = level.ToString().ToLowerInvariant() } });
            }
        }
        if (definition.Kind == AssetCatalog.AirQualityStation
            && AirQuality.Compute(asset.Readings.ToDictionary(r => r.Key, r => r.Value.Value)) is { } aqi)
        {
            var observed = asset.Readings.Where(r => AirQuality.Pollutants.Contains(r.Key)).Max(r => r.Value.Ts);
            entity.AirQualityOf(aqi, observed);
        }
        entity.Property("activeAlarms", asset.Alarms.Count(a => a.IsOpen));
        foreach (var (name, value) in definition.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            entity.Property(name, value);
        }
        return entity.Relationship("containedIn", EntityTypes.NodeId(definition.NodeId));
    }

    /// <summary>
    /// A district, city, cluster or the province: names, level, code, seat, asset counts by status, active alarms, each
    /// metric's mean over the live assets below (with minimum, maximum and sample count as sub-properties), and
    /// <c>containedIn</c> its parent and <c>hasPart</c> its children.
    /// </summary>
    public static NgsiEntity FromNode(NodeDefinition node, NodeSummary? summary, IReadOnlyList<NodeDefinition> children)
    {
        var entity = Of(EntityTypes.NodeId(node.Id), EntityTypes.AdministrativeArea);
        entity.Property("name", node.Name);
        if (node.NameZh is { } zh)
        {
            entity.Property("alternateName", zh);
        }
        entity.Property("administrativeLevel", EntityTypes.LevelOf(node.Kind));
        if (node.Code is { } code)
        {
            entity.Property("code", code);
        }
        if (node.Location is { } seat)
        {
            entity.GeoProperty("location", seat.Lng, seat.Lat);
        }
        if (summary is not null)
        {
            var at = summary.AsOf;
            var counts = summary.Assets;
            entity.Property("assetCount", counts.Normal + counts.Warning + counts.Alarm + counts.Offline, at, more: new JsonObject
            {
                ["normal"] = Sub(counts.Normal), ["warning"] = Sub(counts.Warning), ["alarm"] = Sub(counts.Alarm), ["offline"] = Sub(counts.Offline),
            });
            entity.Property("activeAlarms", summary.ActiveAlarms.Total, at, more: new JsonObject
            {
                ["warning"] = Sub(summary.ActiveAlarms.Warning), ["alarm"] = Sub(summary.ActiveAlarms.Alarm),
            });
            if (AirQuality.ForNode(summary.Metrics) is { } aqi)
            {
                entity.AirQualityOf(aqi, at);
            }
            foreach (var (metric, stats) in summary.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                entity.Property(metric, Math.Round(stats.Mean, 6), at, UnitOf(metric), new JsonObject
                {
                    ["minimum"] = Sub(stats.Min), ["maximum"] = Sub(stats.Max), ["sampleCount"] = Sub(stats.Count),
                });
            }
        }
        if (node.ParentId is { } parent)
        {
            entity.Relationship("containedIn", EntityTypes.NodeId(parent));
        }
        if (children.Count > 0)
        {
            entity.Relationship("hasPart", [.. children.Select(c => EntityTypes.NodeId(c.Id))]);
        }
        return entity;
    }

    /// <summary>HJ 633-2012 AQI as the Smart Data Model <c>AirQualityObserved</c> names it: <c>airQualityIndex</c> and <c>airQualityLevel</c>.</summary>
    private void AirQualityOf(AqiResult aqi, DateTimeOffset observedAt)
    {
        Property("airQualityIndex", aqi.Value, observedAt, more: aqi.Primary.Length == 0 ? null
            : new JsonObject { ["primaryPollutant"] = new JsonObject { ["type"] = "Property", ["value"] = new JsonArray([.. aqi.Primary.Select(p => (JsonNode)p)]) } });
        Property("airQualityLevel", aqi.Category, observedAt);
    }

    private static JsonObject Sub(double value) => new() { ["type"] = "Property", ["value"] = value };

    private static string? UnitOf(string metric) =>
        AssetCatalog.Kinds.SelectMany(k => k.Metrics).FirstOrDefault(m => m.Name == metric) is { } m ? EntityTypes.UnitCode(m.Unit) : null;
}
