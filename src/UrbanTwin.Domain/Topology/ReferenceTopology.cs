using System.Text.Json;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.Geo;

namespace UrbanTwin.Domain.Topology;

/// <summary>The Shanxi topology shipped inside the product (converted from the reference divisions file), with its boundaries.</summary>
public static class ReferenceTopology
{
    public const string Shanxi = "shanxi";

    public static TopologyDocument LoadDocument()
    {
        using var stream = typeof(ReferenceTopology).Assembly.GetManifestResourceStream("UrbanTwin.Topology.shanxi.json")
            ?? throw new InvalidOperationException("The embedded Shanxi topology is missing from the build.");
        return JsonSerializer.Deserialize<TopologyDocument>(stream, TopologyDocument.JsonOptions)
            ?? throw new InvalidOperationException("The embedded Shanxi topology is empty.");
    }

    /// <summary>Built once per process: the boundaries take a union of polygons per city, cluster and province.</summary>
    private static readonly Lazy<NodeDefinition[]> Nodes = new(Build);

    /// <summary>The Shanxi nodes with their boundaries (<see cref="ShanxiBoundaries"/>); a copy of the array the process shares.</summary>
    public static NodeDefinition[] Load() => [.. Nodes.Value];

    private static NodeDefinition[] Build()
    {
        var errors = new List<FieldError>();
        var nodes = TopologyValidator.ToDefinitions(LoadDocument(), errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The embedded Shanxi topology is invalid: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
        }
        var boundaries = ShanxiBoundaries.For(nodes);
        return [.. nodes.Select(n => n with { Boundary = boundaries.GetValueOrDefault(n.Id) })];
    }
}
