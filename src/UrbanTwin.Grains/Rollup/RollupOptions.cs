using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Grains.Rollup;

/// <summary>Timing of the roll-up (section <c>Rollup</c>).</summary>
public sealed class RollupOptions
{
    public const string Section = "Rollup";

    /// <summary>
    /// How often a node that changed pushes its summary to its parent. Four levels above an asset at 250 ms each
    /// keep a change visible at the province well within the 2 s freshness target.
    /// </summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a node gathers urgent changes (an asset's status or an alarm changed below it) before pushing them to
    /// its parent, instead of waiting for <see cref="PublishInterval"/>: an alarm reaches the province in a few of
    /// these, while changes of values only still go up at the publish interval.
    /// </summary>
    public TimeSpan UrgentDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long a node keeps pushing to a live viewer (<see cref="Contracts.Topology.INodeGrain.Watch"/>) that has not
    /// renewed: a gateway that died stops costing pushes after this. Gateways renew every <c>Live:RenewEvery</c>.
    /// </summary>
    public TimeSpan WatchLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>An asset is offline when silent for this many reporting intervals.</summary>
    public int OfflineAfterIntervals { get; set; } = 3;
}

public sealed class RollupRules : SettingsRules<RollupOptions>
{
    protected override string Section => RollupOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(RollupOptions o) =>
    [
        Positive(o.PublishInterval, nameof(o.PublishInterval)),
        Positive(o.UrgentDelay, nameof(o.UrgentDelay)),
        (o.UrgentDelay <= o.PublishInterval, nameof(o.UrgentDelay), $"must be at most {RollupOptions.Section}:{nameof(o.PublishInterval)}"),
        Positive(o.WatchLease, nameof(o.WatchLease)),
        Between(o.OfflineAfterIntervals, 1, 1_000_000, nameof(o.OfflineAfterIntervals)),
    ];
}
