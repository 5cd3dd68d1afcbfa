using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Grains.Storage;

/// <summary>The durable event log's bounds (section <c>Events</c>); see docs/operations.md, "Event log".</summary>
public sealed class EventLogOptions
{
    public const string Section = "Events";

    /// <summary>
    /// Hard bound per partition stream (8 partitions), applied on every append (<c>XADD MAXLEN ~</c>): the most the
    /// log can take in Redis memory, whatever the consumers do. A consumer further behind than this loses the oldest.
    /// </summary>
    public int MaxLengthPerPartition { get; set; } = 20_000;

    /// <summary>Events older than this are trimmed once every consumer group has read them.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the silo trims the streams by retention and consumer progress.</summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Events embedded mode keeps in its process (its log, like its state, goes with the process).</summary>
    public int InProcessCapacity { get; set; } = EventLog.InProcessEventLog.DefaultCapacity;
}

public sealed class EventLogRules : SettingsRules<EventLogOptions>
{
    protected override string Section => EventLogOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(EventLogOptions o) =>
    [
        Between(o.MaxLengthPerPartition, 1_000, 100_000_000, nameof(o.MaxLengthPerPartition)),
        Positive(o.Retention, nameof(o.Retention)),
        Positive(o.TrimInterval, nameof(o.TrimInterval)),
        Between(o.InProcessCapacity, 1_000, 10_000_000, nameof(o.InProcessCapacity)),
    ];
}
