using System.Text.Json;
using System.Text.Json.Serialization;

namespace UrbanTwin.Domain.Topology;

/// <summary>
/// UrbanTwin's topology format: a flat list of nodes, each naming its parent. It is what <c>PUT /api/v1/topology</c>
/// accepts and what the reference Shanxi topology ships as. Every field is nullable here so that validation,
/// not deserialization, names what is missing.
/// </summary>
public sealed class TopologyDocument
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<TopologyNode?>? Nodes { get; set; }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // A number is a JSON number: "12" as a string is a wrong type (the web defaults would read it).
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 64, // the gateway checks its configured Ingest:MaxJsonDepth first
    };
}

public sealed class TopologyNode
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public string? ParentId { get; set; }
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? NameZh { get; set; }
    public GeoPointDocument? Location { get; set; }
    public List<string?>? Tags { get; set; }
    public Dictionary<string, string?>? Attributes { get; set; }
    public List<IndicatorDocument?>? Indicators { get; set; }

    private JsonElement? _boundary;

    /// <summary>
    /// A GeoJSON Polygon or MultiPolygon geometry (lng/lat), read and checked by <see cref="Geo.BoundaryReader"/>. Left
    /// out, the node keeps the boundary it has; <c>null</c> removes it.
    /// </summary>
    public JsonElement? Boundary
    {
        get => _boundary;
        set => (_boundary, BoundaryGiven) = (value, true);
    }

    /// <summary>Whether the document names a boundary for the node (a geometry or null), rather than leaving it out.</summary>
    [JsonIgnore]
    public bool BoundaryGiven { get; private set; }
}

public sealed class GeoPointDocument
{
    public double? Lng { get; set; }
    public double? Lat { get; set; }
}

public sealed class IndicatorDocument
{
    public string? Name { get; set; }
    public int? Year { get; set; }
    public double? Value { get; set; }
    public string? Source { get; set; }
}
