using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Grains.Assets;

/// <summary>Structural equality of registrations, so re-registering the same asset is recognised as unchanged.</summary>
public static class AssetDefinitions
{
    public static bool Same(AssetDefinition a, AssetDefinition b) =>
        a.Id == b.Id && a.Kind == b.Kind && a.NodeId == b.NodeId && a.Name == b.Name && a.Location == b.Location
        && a.ReportingIntervalSeconds == b.ReportingIntervalSeconds
        && a.Attributes.Count == b.Attributes.Count && a.Attributes.All(kv => b.Attributes.TryGetValue(kv.Key, out var v) && v == kv.Value)
        && a.Thresholds.Count == b.Thresholds.Count
        && a.Thresholds.All(kv => b.Thresholds.TryGetValue(kv.Key, out var rules) && rules.SequenceEqual(kv.Value));
}
