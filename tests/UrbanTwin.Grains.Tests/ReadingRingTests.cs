using UrbanTwin.Grains.History;

namespace UrbanTwin.Grains.Tests;

public class ReadingRingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Keeps_the_latest_readings_in_order_and_drops_the_oldest_when_full()
    {
        var ring = new ReadingRing(60);
        for (var i = 0; i < 150; i++)
        {
            ring.Add(T0.AddSeconds(i), i);
        }
        var all = ring.Between(T0, T0.AddHours(1));
        Assert.Equal(60, all.Length);
        Assert.Equal(Enumerable.Range(90, 60).Select(i => (double)i), all.Select(p => p.Value));
        Assert.Equal(T0.AddSeconds(149), all[^1].Ts);
        Assert.Equal([100.0, 101, 102], ring.Between(T0.AddSeconds(100), T0.AddSeconds(102)).Select(p => p.Value));
    }

    [Fact]
    public void A_full_ring_of_60_readings_costs_about_16_bytes_a_reading()
    {
        // Allocation is counted, not timed: deterministic on any machine.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ring = new ReadingRing(60);
        for (var i = 0; i < 60; i++)
        {
            ring.Add(T0.AddSeconds(i), i);
        }
        var retained = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"a ring of 60 readings: {retained} bytes allocated in all (final arrays: {60 * 16} bytes of data)");
        // 60 × (8 + 8) bytes of data; the growth from 8 → 16 → 32 → 60 slots allocates a little more, once.
        Assert.InRange(retained, 960, 2600);
    }
}
