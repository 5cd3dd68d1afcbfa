using Microsoft.Extensions.Time.Testing;
using UrbanTwin.Grains.Scheduling;

namespace UrbanTwin.Grains.Tests;

/// <summary>The silo-wide wakeups on a fake clock: nothing runs early, everything runs once its time has come, in due order, on the grain's scheduler.</summary>
public sealed class GrainWakeupsTests
{
    private readonly FakeTimeProvider _clock = new();

    private sealed class RecordingScheduler : IWorkItemScheduler
    {
        public List<string> Ran { get; } = [];
        public void QueueAction(Action action) => action();
        public void QueueAction(Action<object> action, object state) => action(state);
        public void QueueTask(Task task) => task.RunSynchronously();
    }

    private void AdvanceBy(TimeSpan span)
    {
        // In steps of the resolution, as real time would pass under the periodic timer.
        for (var passed = TimeSpan.Zero; passed < span; passed += GrainWakeups.Resolution)
        {
            _clock.Advance(GrainWakeups.Resolution);
        }
    }

    [Fact]
    public void A_wakeup_runs_on_its_grains_scheduler_once_its_delay_has_passed_and_not_before()
    {
        using var wakeups = new GrainWakeups(_clock);
        var grain = new RecordingScheduler();
        wakeups.Schedule(grain, TimeSpan.FromSeconds(1), state => grain.Ran.Add((string)state), "write");

        AdvanceBy(TimeSpan.FromMilliseconds(990));
        Assert.Empty(grain.Ran);
        Assert.Equal(1, wakeups.Pending);

        AdvanceBy(TimeSpan.FromMilliseconds(20));
        Assert.Equal(["write"], grain.Ran);
        Assert.Equal(0, wakeups.Pending);

        AdvanceBy(TimeSpan.FromSeconds(5));
        Assert.Single(grain.Ran); // one-shot
    }

    [Fact]
    public void Wakeups_run_in_the_order_they_fall_due_each_on_its_own_grain()
    {
        using var wakeups = new GrainWakeups(_clock);
        var (a, b) = (new RecordingScheduler(), new RecordingScheduler());
        var order = new List<string>();
        wakeups.Schedule(a, TimeSpan.FromMilliseconds(300), state => { a.Ran.Add("a"); order.Add((string)state); }, "a 300");
        wakeups.Schedule(b, TimeSpan.FromMilliseconds(100), state => { b.Ran.Add("b"); order.Add((string)state); }, "b 100");
        wakeups.Schedule(a, TimeSpan.Zero, state => { a.Ran.Add("a"); order.Add((string)state); }, "a 0");

        AdvanceBy(TimeSpan.FromMilliseconds(500));

        Assert.Equal(["a 0", "b 100", "a 300"], order);
        Assert.Equal(["a", "a"], a.Ran);
        Assert.Equal(["b"], b.Ran);
    }

    [Fact]
    public void Many_grains_waiting_at_once_all_wake()
    {
        using var wakeups = new GrainWakeups(_clock);
        var grain = new RecordingScheduler();
        var ran = 0;
        for (var i = 0; i < 10_000; i++)
        {
            wakeups.Schedule(grain, TimeSpan.FromMilliseconds(i % 1000), _ => ran++, i);
        }
        AdvanceBy(TimeSpan.FromSeconds(1.1));
        Assert.Equal(10_000, ran);
        Assert.Equal(0, wakeups.Pending);
    }
}
