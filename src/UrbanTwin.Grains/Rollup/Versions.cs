namespace UrbanTwin.Grains.Rollup;

/// <summary>
/// Versions that only move forward, even across a restart that lost the last persisted counter: the next version
/// is the later of "previous + 1" and the current clock in ticks, so a restarted grain never reuses an old number
/// that a parent would then ignore as stale.
/// </summary>
public static class Versions
{
    public static long Next(long previous, TimeProvider clock) => Math.Max(previous + 1, clock.GetUtcNow().UtcTicks);
}
