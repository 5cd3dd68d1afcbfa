using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Grains.Storage;

/// <summary>Persistence settings (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// Write-behind window for live state (readings, roll-up caches) acknowledged with <c>ack=accepted</c>: the most
    /// a crash of a silo can lose. <c>ack=durable</c>, registrations, thresholds and topology never wait for it.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Write-behind window for what a node holds only as a copy of its children's latest state (a district's asset
    /// contributions, a city's district summaries). Children push again when a node is activated, so a crash loses
    /// nothing of these; a longer window spares writing a district's thousands of contributions every second under
    /// ingest. Membership, definitions and alarms are written through or within <see cref="FlushInterval"/>.
    /// </summary>
    public TimeSpan CacheFlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most grain writes sent to Redis in one group-commit round trip.</summary>
    public int GroupCommitMaxBatch { get; set; } = 256;

    /// <summary>Group-commit round trips in flight at once; more pipelines deeper, each batch stays atomic in Redis.</summary>
    public int GroupCommitMaxInFlight { get; set; } = 4;

    /// <summary>How long a write may wait for Redis before it fails (and a durable request answers 503).</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class StorageRules : SettingsRules<StorageOptions>
{
    protected override string Section => StorageOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(StorageOptions o) =>
    [
        Positive(o.FlushInterval, nameof(o.FlushInterval)),
        Positive(o.CacheFlushInterval, nameof(o.CacheFlushInterval)),
        Between(o.GroupCommitMaxBatch, 1, 100_000, nameof(o.GroupCommitMaxBatch)),
        Between(o.GroupCommitMaxInFlight, 1, 1_000, nameof(o.GroupCommitMaxInFlight)),
        Positive(o.RedisTimeout, nameof(o.RedisTimeout)),
    ];
}
