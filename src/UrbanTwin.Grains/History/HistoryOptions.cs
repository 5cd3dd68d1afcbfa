using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Grains.History;

/// <summary>History settings (section <c>History</c>); the store itself is <c>ConnectionStrings:History</c>. See docs/operations.md, "History".</summary>
public sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>Recent readings kept per metric of an asset, in memory (16 bytes each).</summary>
    public int ReadingsPerMetric { get; set; } = 60;

    /// <summary>Readings and node minutes older than this are dropped from the store, a day's partition at a time.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Node hours older than this are deleted from the store.</summary>
    public TimeSpan RollupRetention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>
    /// The most history rows the reading log holds for the store (spread over its 8 partitions): while the store is
    /// away they wait here; beyond it a write's rows are dropped (its state is still written), counted in
    /// <c>urbantwin.history.dropped</c> and logged as an error. About 60 bytes of Redis memory per row.
    /// </summary>
    public long MaxBacklog { get; set; } = 5_000_000;

    /// <summary>How often each writer takes what the log has for the store: the most a row waits when the store is up.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Log entries per store transaction (an entry holds the rows of one group commit's writes in its partition).</summary>
    public int BatchEntries { get; set; } = 64;

    /// <summary>After the store failed a write, how long a writer waits before it tries again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often every silo wakes the writers, so one whose silo died resumes elsewhere.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often partitions are created ahead and expired ones dropped.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(1);
}

public sealed class HistoryRules : SettingsRules<HistoryOptions>
{
    protected override string Section => HistoryOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(HistoryOptions o) =>
    [
        Between(o.ReadingsPerMetric, 1, 100_000, nameof(o.ReadingsPerMetric)),
        (o.Retention >= TimeSpan.FromDays(1), nameof(o.Retention), "must be at least 1 day"),
        (o.RollupRetention >= o.Retention, nameof(o.RollupRetention), "must be at least History:Retention"),
        Between(o.MaxBacklog, 1_000, 1_000_000_000, nameof(o.MaxBacklog)),
        Positive(o.FlushInterval, nameof(o.FlushInterval)),
        Between(o.BatchEntries, 1, 10_000, nameof(o.BatchEntries)),
        Positive(o.RetryDelay, nameof(o.RetryDelay)),
        Positive(o.KeepAliveInterval, nameof(o.KeepAliveInterval)),
        Positive(o.MaintenanceInterval, nameof(o.MaintenanceInterval)),
    ];
}
