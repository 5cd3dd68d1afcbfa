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

    /// <summary>Read once per process: the boundaries are 2 MB of JSON.</summary>
    private static readonly Lazy<NodeDefinition[]> Nodes = new(Build);

    /// <summary>The Shanxi nodes with their boundaries (<see cref="ShanxiBoundaries"/>); a copy of the array the process shares.</summary>
    public static NodeDefinition[] Load() => [.. Nodes.Value];

    /// <summary>The nodes without their boundaries (what <see cref="ShanxiBoundaries.Build"/> makes them for).</summary>
    public static NodeDefinition[] LoadWithoutBoundaries()
    {
        var errors = new List<FieldError>();
        var nodes = TopologyValidator.ToDefinitions(LoadDocument(), errors);
        return errors.Count == 0
            ? nodes
            : throw new InvalidOperationException("The embedded Shanxi topology is invalid: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
    }

    private static NodeDefinition[] Build()
    {
        var nodes = LoadWithoutBoundaries();
        var boundaries = ShanxiBoundaries.Load();
        return [.. nodes.Select(n => n with { Boundary = boundaries.GetValueOrDefault(n.Id) })];
    }
}
