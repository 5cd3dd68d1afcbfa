using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Simulation;

/// <summary>The built-in demonstration feed (<c>Simulation</c> section).</summary>
public sealed class SimulationOptions
{
    public const string Section = "Simulation";

    public bool Enabled { get; set; } = true;

    /// <summary>Readings per second across all generated assets, sent round-robin so every asset reports regularly.</summary>
    public int ReadingsPerSecond { get; set; } = 300;

    /// <summary>On average, how often a new incident drives an asset past a threshold for a while.</summary>
    public int IncidentEverySeconds { get; set; } = 12;

    public int Seed { get; set; } = 7;
}

public sealed class SimulationRules : SettingsRules<SimulationOptions>
{
    protected override string Section => SimulationOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(SimulationOptions o) =>
    [
        Between(o.ReadingsPerSecond, 1, 1_000_000, nameof(o.ReadingsPerSecond)),
        Between(o.IncidentEverySeconds, 1, 86_400, nameof(o.IncidentEverySeconds)),
    ];
}
