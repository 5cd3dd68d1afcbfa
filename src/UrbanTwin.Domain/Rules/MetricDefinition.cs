using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Domain.Rules;

/// <summary>
/// One metric an asset kind reports: its unit, the physically possible range (values outside are sensor or
/// integration faults, rejected), and the default thresholds with the standard they come from.
/// </summary>
public sealed record MetricDefinition(string Name, string Unit, double Min, double Max, ThresholdRule[] Defaults, string? Source = null)
{
    public bool InRange(double value) => value >= Min && value <= Max;
}

/// <summary>An asset kind: its metrics, how often it reports, and whether it must bring its own thresholds.</summary>
public sealed record AssetKindDefinition(string Name, string Title, MetricDefinition[] Metrics, int ReportingIntervalSeconds, bool ThresholdsRequired = false)
{
    private readonly Dictionary<string, MetricDefinition> _byName = Metrics.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>The metrics' names in order, one array for every asset of the kind.</summary>
    public string[] MetricNames { get; } = [.. Metrics.Select(m => m.Name)];

    public MetricDefinition? Metric(string name) => _byName.GetValueOrDefault(name);
}
