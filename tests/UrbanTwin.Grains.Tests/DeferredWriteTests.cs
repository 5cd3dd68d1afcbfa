using System.Diagnostics.Metrics;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Scheduling;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Tests;

/// <summary>
/// The write path's rules without a silo: writes never overlap, every caller who asks while one is in flight shares
/// the next one, a write-behind comes after the window, a failed one is tried again, and nothing is written after
/// the activation's last write. (Calls come from one logical thread, as on a grain's scheduler.)
/// </summary>
public sealed class DeferredWriteTests : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(50);
    private readonly GrainWakeups _wakeups = new(TimeProvider.System);
    private readonly OneThreadScheduler _grain = new();

    private sealed class NoGrain(Func<Task> write) : IWrittenBehind
    {
        public IGrainContext GrainContext => null!;
        public Task WriteStoredStateAsync() => write();
    }

    /// <summary>A storage that answers at once and counts the writes it was given.</summary>
    private sealed class CountedWrites
    {
        public int Count;

        public Task Write()
        {
            Count++;
            return Task.CompletedTask;
        }
    }

    private DeferredWrite Deferred(Func<Task> write) => new(new NoGrain(write), _grain, _wakeups, Window);

    public void Dispose() => _wakeups.Dispose();

    [Fact]
    public async Task A_requested_write_happens_once_after_the_window_however_often_it_was_asked_for()
    {
        var writes = new CountedWrites();
        var deferred = Deferred(writes.Write);
        await _grain.Run(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                deferred.Request();
            }
            Assert.True(deferred.Pending);
        });
        Assert.Equal(0, writes.Count); // not before the window

        await Eventually.Until(() => _grain.Run(() => writes.Count), n => n > 0, TimeSpan.FromSeconds(10), "the write-behind");
        await Eventually.Until(() => Task.FromResult(_wakeups.Pending), n => n == 0, TimeSpan.FromSeconds(10), "no wakeup left");
        await _grain.Drained();
        Assert.Equal(1, writes.Count);
        Assert.False(await _grain.Run(() => deferred.Pending));
    }

    [Fact]
    public async Task A_failed_write_behind_is_tried_again_after_another_window()
    {
        var failuresCounted = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == UrbanTwinMeter.Name && instrument.Name == "urbantwin.storage.flush.failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            // Only this test's grain: one without a silo has kind "unknown" and mode "behind".
            if (tags.ToArray().Contains(new("kind", "unknown")) && tags.ToArray().Contains(new("mode", "behind")))
            {
                Interlocked.Add(ref failuresCounted, value);
            }
        });
        listener.Start();
        var attempts = 0;
        var deferred = Deferred(() => ++attempts == 1 ? Task.FromException(new IOException("storage down")) : Task.CompletedTask);
        await _grain.Run(deferred.Request);

        await Eventually.Until(() => _grain.Run(() => attempts), n => n >= 2, TimeSpan.FromSeconds(10), "a second attempt after the failure");
        await Eventually.Until(() => Task.FromResult(_wakeups.Pending), n => n == 0, TimeSpan.FromSeconds(10), "no wakeup left");
        await _grain.Drained();
        Assert.Equal(2, attempts);
        Assert.Equal(1, Interlocked.Read(ref failuresCounted)); // counted, so operators see writes failing
        Assert.False(await _grain.Run(() => deferred.Pending));
    }

    [Fact]
    public async Task After_the_last_write_of_an_activation_a_wakeup_still_due_writes_nothing()
    {
        var writes = new CountedWrites();
        var deferred = Deferred(writes.Write);
        await _grain.Run(deferred.Request);
        await await _grain.Run(deferred.CloseAsync); // deactivation: writes what is pending at once
        Assert.Equal(1, writes.Count);

        await Eventually.Until(() => Task.FromResult(_grain.Queued), n => n >= 1, TimeSpan.FromSeconds(10), "the wakeup to come");
        await _grain.Drained();
        await _grain.Run(deferred.Request); // nor does anything asked for afterwards
        Assert.Equal(0, _wakeups.Pending);
        Assert.Equal(1, writes.Count);
    }

    [Fact]
    public async Task Callers_arriving_during_a_write_share_the_next_one_and_writes_never_overlap()
    {
        var gates = new List<TaskCompletionSource>();
        int writes = 0, running = 0, overlapped = 0;
        var deferred = Deferred(async () =>
        {
            writes++;
            overlapped += Interlocked.Increment(ref running) > 1 ? 1 : 0;
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gates)
            {
                gates.Add(gate);
            }
            await gate.Task;
            Interlocked.Decrement(ref running);
        });

        var first = deferred.WriteNowAsync();
        var waiting = Enumerable.Range(0, 100).Select(_ => deferred.WriteNowAsync()).ToArray();
        Assert.Equal(1, writes);
        Assert.All(waiting, w => Assert.Same(waiting[0], w)); // one shared task for everyone who came during the write

        gates[0].SetResult();
        await first;
        await Eventually.Until(() => Task.FromResult(writes), n => n == 2, TimeSpan.FromSeconds(10), "the shared second write to start");
        Assert.False(waiting[0].IsCompleted); // not done before its own write is
        gates[1].SetResult();
        await Task.WhenAll(waiting);
        Assert.Equal(2, writes);
        Assert.Equal(0, overlapped);
    }

    [Fact]
    public async Task A_storage_that_answers_at_once_is_written_on_every_call()
    {
        var writes = new CountedWrites();
        var deferred = Deferred(writes.Write);
        for (var i = 0; i < 3; i++)
        {
            await deferred.WriteNowAsync();
        }
        Assert.Equal(3, writes.Count);
    }
}
