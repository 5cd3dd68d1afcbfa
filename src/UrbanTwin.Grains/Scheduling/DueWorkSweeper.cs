using UrbanTwin.Contracts;

namespace UrbanTwin.Grains.Scheduling;

/// <summary>
/// How assets get their delayed work done (write-behind, the report of new values to their district) without a timer
/// each and without any code running between the awaits of a call in progress.
/// <para>
/// An asset does due work itself, inline, when a call arrives after it came due: under load that is nearly always, and
/// costs nothing. For an asset that hears nothing more, this silo-wide sweeper checks its due time every
/// <see cref="Resolution"/> and sends it a one-way <see cref="IDueWorkGrain.RunDueWork"/> call: an ordinary turn of its own.
/// The sweeper only reads the grain's due time and keeps its place in the queue (two fields of the grain, read and
/// written atomically); it never touches grain state.
/// </para>
/// <para>
/// Why not a grain timer per asset: a grain timer leaves its activation an extras dictionary and a timer set for life
/// (about 400 B, found with ClrMD), 400 MB at a million assets. Why not a one-way call to self for every write: it
/// was measured (docs/benchmarks.md): ingest −25 %, durable ingest −61 %. Here a message is sent only when no call came.
/// </para>
/// </summary>
public sealed class DueWorkSweeper : IDisposable
{
    /// <summary>How often due work is looked for: work runs at most about this much after it is due.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(10);

    private readonly TimeProvider _clock;
    private readonly Action<GrainId> _wake;
    private readonly Lock _lock = new();
    private readonly PriorityQueue<(IHasDueWork Grain, long At), long> _queue = new();
    private readonly List<(IHasDueWork Grain, long At)> _due = []; // only touched by the tick that holds _ticking
    private readonly ITimer _timer;
    private int _ticking;
    private long _sent;

    public DueWorkSweeper(TimeProvider clock, IGrainFactory grains)
        : this(clock, id => _ = grains.ById<IDueWorkGrain>(id).RunDueWork()) // GetGrain<T>(id) reads T's attributes per call
    {
    }

    /// <param name="wake">Sends the wake-up call (a test watches it instead).</param>
    internal DueWorkSweeper(TimeProvider clock, Action<GrainId> wake)
    {
        _clock = clock;
        _wake = wake;
        _timer = clock.CreateTimer(_ => Tick(), null, Resolution, Resolution);
    }

    /// <summary>Grains waiting in the queue.</summary>
    public int Watched
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Wake-up calls sent since start: the calls inline work did not make unnecessary.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>
    /// Watches <paramref name="grain"/> until its due work is done. A grain already queued for an earlier or equal time
    /// is left as it is; one queued for later (its new work is due sooner) is queued again for the earlier time, and its
    /// later entry is passed over when it comes up.
    /// </summary>
    public void Watch(IHasDueWork grain)
    {
        var due = grain.DueAt;
        if (due == 0)
        {
            return;
        }
        ref var slot = ref grain.SweepSlot;
        while (true)
        {
            var queuedAt = Volatile.Read(ref slot);
            if (queuedAt != 0 && queuedAt <= due)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref slot, due, queuedAt) == queuedAt)
            {
                break;
            }
        }
        lock (_lock)
        {
            _queue.Enqueue((grain, due), due);
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
                while (_queue.TryPeek(out _, out var due) && due <= now)
                {
                    _due.Add(_queue.Dequeue());
                }
            }
            foreach (var (grain, at) in _due)
            {
                // Only the grain's current entry counts: an entry it was queued again before is passed over.
                if (Interlocked.CompareExchange(ref grain.SweepSlot, 0, at) == at)
                {
                    Check(grain, now);
                }
            }
        }
        finally
        {
            _due.Clear();
            Volatile.Write(ref _ticking, 0);
        }
    }

    /// <summary>The grain's entry came up (and is released): wake it if its work is due, or queue it again for later work.</summary>
    private void Check(IHasDueWork grain, long now)
    {
        var due = grain.DueAt;
        if (due != 0 && due <= now)
        {
            Interlocked.Increment(ref _sent);
            _wake(grain.GrainId);
        }
        else
        {
            Watch(grain); // done inline meanwhile and due again later, or nothing due: Watch decides
        }
    }

    public void Dispose() => _timer.Dispose();
}
