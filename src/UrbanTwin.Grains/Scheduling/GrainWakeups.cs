namespace UrbanTwin.Grains.Scheduling;

/// <summary>
/// One-shot callbacks that run on a grain's own scheduler once their delay has passed, for every grain of a silo
/// with one timer. Assets use it for write-behind and for their reports to the district, instead of grain timers:
/// a grain timer leaves about 400 B of bookkeeping on its activation for the rest of the activation's life (an
/// extras dictionary and a timer set, found by walking the heap with ClrMD), 400 MB at a million assets, and each
/// pending one is a handful of objects that live through the delay into gen1.
/// </summary>
/// <remarks>
/// A callback runs as a continuation after an <c>await</c> would: on the grain's scheduler, never in parallel with
/// its other work, but possibly between two awaits of a call in progress. It must therefore only read state that is
/// consistent at every await (writing it, reporting it), and it must not throw. A callback due when its activation
/// has gone still runs; its owner checks for that. Delays are rounded up to the next <see cref="Resolution"/>.
/// </remarks>
public sealed class GrainWakeups : IDisposable
{
    /// <summary>How often due callbacks are looked for: a callback runs at most about this much after its delay.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(10);

    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly PriorityQueue<Wakeup, long> _pending = new();
    private readonly List<Wakeup> _due = []; // only touched by the tick that holds _ticking
    private readonly ITimer _timer;
    private int _ticking;

    private readonly record struct Wakeup(IWorkItemScheduler Scheduler, Action<object> Callback, object State);

    public GrainWakeups(TimeProvider clock)
    {
        _clock = clock;
        _timer = clock.CreateTimer(_ => Tick(), null, Resolution, Resolution);
    }

    /// <summary>Callbacks waiting for their time.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Runs <paramref name="callback"/>(<paramref name="state"/>) on <paramref name="scheduler"/> (the grain's, <c>GrainContext.Scheduler</c>) after <paramref name="delay"/>.</summary>
    public void Schedule(IWorkItemScheduler scheduler, TimeSpan delay, Action<object> callback, object state)
    {
        var due = _clock.GetTimestamp() + (long)(Math.Max(0, delay.TotalSeconds) * _clock.TimestampFrequency);
        lock (_lock)
        {
            _pending.Enqueue(new Wakeup(scheduler, callback, state), due);
        }
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return; // the previous tick is still handing out; it takes what is due now as well next time
        }
        try
        {
            var now = _clock.GetTimestamp();
            lock (_lock)
            {
                while (_pending.TryPeek(out var wakeup, out var due) && due <= now)
                {
                    _due.Add(_pending.Dequeue());
                }
            }
            // Handed to the grains outside the lock: queueing takes each activation's own lock.
            foreach (var wakeup in _due)
            {
                wakeup.Scheduler.QueueAction(wakeup.Callback, wakeup.State);
            }
        }
        finally
        {
            _due.Clear();
            Volatile.Write(ref _ticking, 0);
        }
    }

    public void Dispose() => _timer.Dispose();
}
