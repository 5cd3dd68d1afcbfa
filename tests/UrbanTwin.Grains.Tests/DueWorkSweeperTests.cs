using Microsoft.Extensions.Time.Testing;
using UrbanTwin.Grains.Scheduling;

namespace UrbanTwin.Grains.Tests;

/// <summary>
/// The sweeper wakes a grain only when its work is due and was not done inline meanwhile, once per due time, and
/// never touches the grain beyond reading its due time. Time is a fake clock: no test waits on a real interval.
/// </summary>
public sealed class DueWorkSweeperTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly List<GrainId> _woken = [];
    private readonly DueWorkSweeper _sweeper;

    public DueWorkSweeperTests() => _sweeper = new DueWorkSweeper(_clock, id =>
    {
        lock (_woken)
        {
            _woken.Add(id);
        }
    });

    public void Dispose() => _sweeper.Dispose();

    /// <summary>A grain as the sweeper sees it: an id, a due time and its claim on a place in the queue.</summary>
    private sealed class FakeGrain(string key) : IHasDueWork
    {
        private long _slot;

        public GrainId GrainId { get; } = GrainId.Create("asset", key);
        public long DueAt { get; set; }
        public ref long SweepSlot => ref _slot;
    }

    private long In(TimeSpan delay) => _clock.GetTimestamp() + (long)(delay.TotalSeconds * _clock.TimestampFrequency);

    private void Advance(TimeSpan by)
    {
        // One tick of the sweeper's timer at a time, as the real clock would fire it.
        for (var passed = TimeSpan.Zero; passed < by; passed += DueWorkSweeper.Resolution)
        {
            _clock.Advance(DueWorkSweeper.Resolution);
        }
    }

    [Fact]
    public void A_grain_is_woken_once_when_its_work_falls_due_and_not_before()
    {
        var grain = new FakeGrain("a") { };
        grain.DueAt = In(TimeSpan.FromMilliseconds(500));
        _sweeper.Watch(grain);
        _sweeper.Watch(grain); // watched already: still one place

        Advance(TimeSpan.FromMilliseconds(400));
        Assert.Empty(_woken);
        Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal([grain.GrainId], _woken);
        Assert.Equal(0, _sweeper.Watched);
    }

    [Fact]
    public void Work_done_inline_before_it_fell_due_costs_no_wake_up_call()
    {
        var grain = new FakeGrain("a") { DueAt = In(TimeSpan.FromMilliseconds(100)) };
        _sweeper.Watch(grain);
        grain.DueAt = 0; // a call came and did the work
        Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(_woken);
        Assert.Equal(0, _sweeper.Watched);
        Assert.Equal(0, _sweeper.Sent);
    }

    [Fact]
    public void A_grain_whose_work_moved_later_keeps_its_place_and_is_woken_at_the_new_time()
    {
        var grain = new FakeGrain("a") { DueAt = In(TimeSpan.FromMilliseconds(100)) };
        _sweeper.Watch(grain);
        grain.DueAt = In(TimeSpan.FromMilliseconds(300)); // done inline, and something new is due later
        Advance(TimeSpan.FromMilliseconds(200));
        Assert.Empty(_woken);
        Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal([grain.GrainId], _woken);
    }

    [Fact]
    public void Work_that_falls_due_sooner_than_the_queued_work_is_woken_at_the_sooner_time_and_once()
    {
        // An asset's write-behind is due after the flush window; a report of new values falls due sooner.
        var grain = new FakeGrain("a") { DueAt = In(TimeSpan.FromSeconds(1)) };
        _sweeper.Watch(grain);
        grain.DueAt = In(TimeSpan.FromMilliseconds(250));
        _sweeper.Watch(grain);

        Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal([grain.GrainId], _woken);
        grain.DueAt = 0; // the woken grain did everything
        Advance(TimeSpan.FromSeconds(1));
        Assert.Single(_woken); // its older, later entry is passed over
        Assert.Equal(0, _sweeper.Watched);
    }

    [Fact]
    public void Many_grains_are_woken_in_the_order_their_work_falls_due()
    {
        var grains = Enumerable.Range(0, 100).Select(i => new FakeGrain($"g{i}") { DueAt = In(TimeSpan.FromMilliseconds(10 * (100 - i))) }).ToList();
        grains.ForEach(_sweeper.Watch);
        Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(grains.Select(g => g.GrainId).Reverse(), _woken);
        Assert.Equal(100, _sweeper.Sent);
    }

    [Fact]
    public void A_woken_grain_can_be_watched_again_for_its_next_work()
    {
        var grain = new FakeGrain("a") { DueAt = In(TimeSpan.FromMilliseconds(50)) };
        _sweeper.Watch(grain);
        Advance(TimeSpan.FromMilliseconds(100));
        grain.DueAt = In(TimeSpan.FromMilliseconds(50));
        _sweeper.Watch(grain);
        Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, _woken.Count);
    }
}
