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

    /// <summary>An asset is offline when silent for this many reporting intervals.</summary>
    public int OfflineAfterIntervals { get; set; } = 3;
}
