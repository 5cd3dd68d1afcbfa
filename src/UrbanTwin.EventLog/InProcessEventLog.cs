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
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private long _lastMs;
    private long _seq;
    /// <summary>Events ever appended: the ordinal of the next one. A group's place is an ordinal, so a read skips to it without parsing positions.</summary>
    private long _appended;

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
                _appended++;
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

    public Task CreateGroupAsync(string group, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            GroupOf(group);
        }
        return Task.CompletedTask;
    }

    public Task DeleteGroupAsync(string group, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _groups.Remove(group);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LoggedEvent>> ReadGroupAsync(string group, bool again, int max, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var state = GroupOf(group);
            if (again)
            {
                return Task.FromResult<IReadOnlyList<LoggedEvent>>([.. state.Pending.Values.Take(max)]);
            }
            var start = FirstUnread(state);
            var taken = _events.Skip(start).Take(max).ToList();
            foreach (var e in taken)
            {
                state.Pending[StreamId.Parse(e.Position)] = e;
            }
            state.LastTaken = FirstOrdinal + start + taken.Count - 1;
            return Task.FromResult<IReadOnlyList<LoggedEvent>>(taken);
        }
    }

    public Task AckAsync(string group, IReadOnlyCollection<LoggedEvent> events, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_groups.TryGetValue(group, out var state))
            {
                foreach (var e in events)
                {
                    state.Pending.Remove(StreamId.Parse(e.Position));
                }
            }
        }
        return Task.CompletedTask;
    }

    public Task<GroupProgress> ProgressAsync(string group, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var state = GroupOf(group);
            var unread = _events.Count - FirstUnread(state);
            DateTimeOffset? oldest = state.Pending.Count == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(state.Pending.Keys.First().Ms);
            return Task.FromResult(new GroupProgress(state.Pending.Count, unread, oldest));
        }
    }

    /// <summary>The group, created at the log's end if new. Called under the lock.</summary>
    private Group GroupOf(string group)
    {
        if (!_groups.TryGetValue(group, out var state))
        {
            _groups[group] = state = new Group { LastTaken = _appended - 1 };
        }
        return state;
    }

    /// <summary>The ordinal of the oldest event the log still holds.</summary>
    private long FirstOrdinal => _appended - _events.Count;

    /// <summary>Where in the log the group's unread events begin (0 when the log has dropped some it had not read). Called under the lock.</summary>
    private int FirstUnread(Group state) => (int)Math.Max(0, state.LastTaken + 1 - FirstOrdinal);

    /// <summary>
    /// A consumer group: the last event its reader took and those it has not acknowledged. Pending events are held
    /// here, not only in the log, so one that the log's capacity pushed out is still handed out again.
    /// </summary>
    private sealed class Group
    {
        /// <summary>The ordinal of the last event its reader took.</summary>
        public long LastTaken { get; set; }
        public SortedDictionary<StreamId, LoggedEvent> Pending { get; } = [];
    }
}
