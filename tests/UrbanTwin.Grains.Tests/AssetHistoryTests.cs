using UrbanTwin.Contracts.Assets;
using UrbanTwin.Grains.History;
using UrbanTwin.Domain.History;

namespace UrbanTwin.Grains.Tests;

public class AssetHistoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] GasMetrics = ["gasLel", "pressure"];

    private static MetricSample[] Gas(double lel, double? pressure = null) =>
        pressure is { } p ? [new("gasLel", lel), new("pressure", p)] : [new("gasLel", lel)];

    [Fact]
    public void Keeps_the_latest_readings_in_order_and_drops_the_oldest_when_full()
    {
        var history = new AssetHistory(60, GasMetrics);
        for (var i = 0; i < 150; i++)
        {
            history.Add(T0.AddSeconds(i), Gas(i, 0.16));
        }
        var all = history.Between("gasLel", T0, T0.AddHours(1));
        Assert.Equal(60, all.Length);
        Assert.Equal(Enumerable.Range(90, 60).Select(i => (double)i), all.Select(p => p.Value));
        Assert.Equal(T0.AddSeconds(149), all[^1].Ts);
        Assert.Equal([100.0, 101, 102], history.Between("gasLel", T0.AddSeconds(100), T0.AddSeconds(102)).Select(p => p.Value));
        // Float storage, decimal way back: the value posted is the value read.
        Assert.All(history.Between("pressure", T0, T0.AddHours(1)), p => Assert.Equal(0.16, p.Value));
        Assert.Empty(history.Between("o2", T0, T0.AddHours(1)));
    }

    [Fact]
    public void A_metric_left_out_of_a_reading_has_no_point_there_and_one_first_seen_late_has_only_its_own()
    {
        var history = new AssetHistory(60, GasMetrics);
        for (var i = 0; i < 20; i++)
        {
            // pressure only on every other reading, and only from the 10th on; the ring grows past 8 and 16 meanwhile
            history.Add(T0.AddSeconds(i), i >= 10 && i % 2 == 0 ? Gas(i, 100 + i) : Gas(i));
        }
        Assert.Equal(20, history.Between("gasLel", T0, T0.AddHours(1)).Length);
        var pressure = history.Between("pressure", T0, T0.AddHours(1));
        Assert.Equal([110.0, 112, 114, 116, 118], pressure.Select(p => p.Value));
        Assert.Equal([10.0, 12, 14, 16, 18], pressure.Select(p => (p.Ts - T0).TotalSeconds));
    }

    [Fact]
    public void A_full_history_of_60_two_metric_readings_costs_about_12_bytes_a_reading()
    {
        // Allocation is counted, not timed: deterministic on any machine.
        var samples = Gas(5, 0.2);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var history = new AssetHistory(60, GasMetrics);
        for (var i = 0; i < 60; i++)
        {
            history.Add(T0.AddSeconds(i), samples);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"60 readings of 2 metrics: {allocated} bytes allocated in all (final arrays: {60 * 12} bytes of data)");
        // 60 × (4 + 2 × 4) bytes of data; growing 8 → 16 → 32 → 60 slots allocates a little more, once.
        Assert.InRange(allocated, 720, 2200);
    }

    [Fact]
    public void Times_keep_their_milliseconds_and_a_reading_24_days_after_the_oldest_moves_the_base_and_drops_what_is_out_of_reach()
    {
        var history = new AssetHistory(60, GasMetrics);
        var precise = T0.AddMilliseconds(123.4567);
        history.Add(precise, Gas(1));
        history.Add(T0.AddDays(10), Gas(2));
        history.Add(T0.AddDays(20), Gas(3));
        Assert.Equal(T0.AddMilliseconds(123), history.Between("gasLel", T0, T0.AddHours(1)).Single().Ts);

        // 30 days after the first: the first is beyond the 24.8 days a 4-byte time spans, the others are kept.
        history.Add(T0.AddDays(30).AddMilliseconds(5), Gas(4));
        Assert.Equal(3, history.Count);
        Assert.Empty(history.Between("gasLel", T0, T0.AddHours(1)));
        Assert.Equal(2, history.Between("gasLel", T0.AddDays(10), T0.AddDays(10)).Single().Value);
        Assert.Equal(T0.AddDays(20), history.Between("gasLel", T0.AddDays(19), T0.AddDays(21)).Single().Ts);
        Assert.Equal(T0.AddDays(30).AddMilliseconds(5), history.Between("gasLel", T0.AddDays(29), T0.AddDays(31)).Single().Ts);

        // A reading a year later leaves only itself.
        history.Add(T0.AddDays(400), Gas(5));
        Assert.Equal(1, history.Count);
        Assert.Equal(5, history.Between("gasLel", T0.AddDays(399), T0.AddDays(401)).Single().Value);
    }
}
