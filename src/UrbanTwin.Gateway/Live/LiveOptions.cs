using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Live;

/// <summary>The live stream (section <c>Live</c>).</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>
    /// How often a watched node is asked to go on pushing to this gateway (the only grain call of an idle stream).
    /// Also the longest a view can miss pushes after the node's silo died: the renewal that finds the node lost it
    /// catches up from the event log. Must be well under the nodes' <c>Rollup:WatchLease</c>.
    /// </summary>
    public TimeSpan RenewEvery { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How far before a client's <c>Last-Event-ID</c> (or a lost renewal) the event log is read again: covers the
    /// clocks of the gateway and Redis differing. Events in the overlap may be sent twice; their ids tell.
    /// </summary>
    public TimeSpan CatchUpOverlap { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most events one catch-up from the log sends; a client away longer starts from its fresh snapshot.</summary>
    public int MaxCatchUp { get; set; } = 1000;

    /// <summary>An SSE comment sent when nothing else was, so proxies keep an idle stream open.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Alarm events waiting for one client; beyond this the client is too far behind and is dropped.</summary>
    public int MaxPendingAlarms { get; set; } = 1000;

    /// <summary>Streams one API key may hold open on one gateway; one more is answered 429 (a dashboard needs one per tab).</summary>
    public int MaxStreamsPerKey { get; set; } = 20;
}

public sealed class LiveRules : SettingsRules<LiveOptions>
{
    protected override string Section => LiveOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(LiveOptions o) =>
    [
        Positive(o.RenewEvery, nameof(o.RenewEvery)),
        (o.CatchUpOverlap >= TimeSpan.Zero, nameof(o.CatchUpOverlap), "must not be negative"),
        Between(o.MaxCatchUp, 1, 100_000, nameof(o.MaxCatchUp)),
        Positive(o.Heartbeat, nameof(o.Heartbeat)),
        Between(o.MaxPendingAlarms, 1, 1_000_000, nameof(o.MaxPendingAlarms)),
        Between(o.MaxStreamsPerKey, 1, 100_000, nameof(o.MaxStreamsPerKey)),
    ];
}
