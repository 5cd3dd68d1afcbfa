using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Tests;

/// <summary>
/// The write path's rules without a silo: writes never overlap, and every caller who asks while one is in flight
/// shares the next one. (Calls come from one logical thread, as on a grain's scheduler.) A failed write re-arms a
/// grain timer, which needs a silo: the cluster tests cover that path (Redis stopped and started again).
/// </summary>
public sealed class DeferredWriteTests
{
    private sealed class NoGrain : IGrainBase
    {
        public IGrainContext GrainContext => null!;
    }

    [Fact]
    public async Task Callers_arriving_during_a_write_share_the_next_one_and_writes_never_overlap()
    {
        var gates = new List<TaskCompletionSource>();
        int writes = 0, running = 0, overlapped = 0;
        var deferred = new DeferredWrite(new NoGrain(), TimeSpan.FromSeconds(1), async () =>
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
        var writes = 0;
        var deferred = new DeferredWrite(new NoGrain(), TimeSpan.FromSeconds(1), () =>
        {
            writes++;
            return Task.CompletedTask;
        });
        for (var i = 0; i < 3; i++)
        {
            await deferred.WriteNowAsync();
        }
        Assert.Equal(3, writes);
    }
}
