using System.Text.Json;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Domain.Topology;

/// <summary>The Shanxi topology shipped inside the product (converted from the reference divisions file).</summary>
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

    public static NodeDefinition[] Load()
    {
        var errors = new List<FieldError>();
        var nodes = TopologyValidator.ToDefinitions(LoadDocument(), errors);
        return errors.Count == 0
            ? nodes
            : throw new InvalidOperationException("The embedded Shanxi topology is invalid: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
    }
}
