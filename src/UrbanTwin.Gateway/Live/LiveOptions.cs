namespace UrbanTwin.Gateway.Live;

/// <summary>The live stream (section <c>Live</c>).</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>How often a watched node and its children are read for changes (shared by all its clients).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the alarms under a watched node are read for raised and cleared ones.</summary>
    public TimeSpan AlarmPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An SSE comment sent when nothing else was, so proxies keep an idle stream open.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Alarm events waiting for one client; beyond this the client is too far behind and is dropped.</summary>
    public int MaxPendingAlarms { get; set; } = 1000;

    /// <summary>Streams one API key may hold open on one gateway; one more is answered 429 (a dashboard needs one per tab).</summary>
    public int MaxStreamsPerKey { get; set; } = 20;
}

public sealed class LiveRules : Grains.Hosting.SettingsRules<LiveOptions>
{
    protected override string Section => LiveOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(LiveOptions o) =>
    [
        Positive(o.PollInterval, nameof(o.PollInterval)),
        Positive(o.AlarmPollInterval, nameof(o.AlarmPollInterval)),
        Positive(o.Heartbeat, nameof(o.Heartbeat)),
        Between(o.MaxPendingAlarms, 1, 1_000_000, nameof(o.MaxPendingAlarms)),
        Between(o.MaxStreamsPerKey, 1, 100_000, nameof(o.MaxStreamsPerKey)),
    ];
}
