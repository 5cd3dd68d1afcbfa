using UrbanTwin.Contracts.Events;

namespace UrbanTwin.EventLog;

/// <summary>
/// Embedded mode's event log: the latest <see cref="Capacity"/> events in this process, lost with it, as embedded mode's
/// state is. Appended by the in-process storage under the same lock as the state it belongs to, so an event is here
/// exactly when its state was stored. Positions use the Redis stream id form (<c>{ms}-{seq}</c>), so readers treat both
/// logs alike; one partition.
/// </summary>
public sealed class InProcessEventLog(TimeProvider clock, int capacity = InProcessEventLog.DefaultCapacity) : IEventLog
{
    public const int DefaultCapacity = 100_000;

    private readonly Lock _gate = new();
    private readonly Queue<LoggedEvent> _events = new();
    private long _lastMs;
    private long _seq;

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>Appends events in order; the oldest go when the log is full.</summary>
    public void Append(IReadOnlyList<TwinEvent> events)
    {
        lock (_gate)
        {
            foreach (var e in events)
            {
                var ms = Math.Max(clock.GetUtcNow().ToUnixTimeMilliseconds(), _lastMs);
                _seq = ms == _lastMs ? _seq + 1 : 0;
                _lastMs = ms;
                _events.Enqueue(new LoggedEvent(0, $"{ms}-{_seq}", e));
                if (_events.Count > capacity)
                {
                    _events.Dequeue();
                }
            }
        }
    }

    public Task<IReadOnlyList<LoggedEvent>> ReadSinceAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default)
    {
        var from = since.ToUnixTimeMilliseconds();
        lock (_gate)
        {
            IReadOnlyList<LoggedEvent> found = [.. _events.Where(e => StreamId.Parse(e.Position).Ms >= from).Take(max)];
            return Task.FromResult(found);
        }
    }
}
