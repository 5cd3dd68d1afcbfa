namespace UrbanTwin.Grains.Tests;

/// <summary>
/// A grain's scheduler without a silo: work queued here runs one item at a time, in order, as on an activation.
/// <see cref="Run"/> puts the test's own steps on it too, so they never run alongside a wakeup.
/// </summary>
internal sealed class OneThreadScheduler : IWorkItemScheduler
{
    private readonly TaskScheduler _exclusive = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
    private int _queued;

    /// <summary>Actions queued by others (wakeups), not counting <see cref="Run"/>.</summary>
    public int Queued => Volatile.Read(ref _queued);

    public Task<T> Run<T>(Func<T> step) => Task.Factory.StartNew(step, CancellationToken.None, TaskCreationOptions.None, _exclusive);

    public Task Run(Action step) => Task.Factory.StartNew(step, CancellationToken.None, TaskCreationOptions.None, _exclusive);

    /// <summary>Completes once everything queued before it has run.</summary>
    public Task Drained() => Run(() => { });

    public void QueueAction(Action action)
    {
        Interlocked.Increment(ref _queued);
        _ = Run(action);
    }

    public void QueueAction(Action<object> action, object state)
    {
        Interlocked.Increment(ref _queued);
        _ = Run(() => action(state));
    }

    public void QueueTask(Task task) => task.Start(_exclusive);
}
