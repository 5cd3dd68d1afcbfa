using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Grains.History;

/// <summary>History settings (section <c>History</c>).</summary>
public sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>Recent readings kept per metric of an asset, in memory (16 bytes each).</summary>
    public int ReadingsPerMetric { get; set; } = 60;
}

public sealed class HistoryRules : SettingsRules<HistoryOptions>
{
    protected override string Section => HistoryOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(HistoryOptions o) => [Between(o.ReadingsPerMetric, 1, 100_000, nameof(o.ReadingsPerMetric))];
}
