namespace UrbanTwin.EventLog.Readings;

/// <summary>
/// Embedded mode's reading log, for an embedded gateway given a history store: the rows wait in this process (and go
/// with it, as embedded state does) until the writer has them in the store. Bounded like the Redis one.
/// </summary>
public sealed class InProcessReadingLog(TimeProvider clock, long maxBacklog) : IReadingLog
{
    private readonly Lock _gate = new();
    private readonly Partition[] _partitions = [.. Enumerable.Range(0, ReadingStreams.Partitions).Select(_ => new Partition())];
    private long _lastMs;
    private long _seq;
    private long _rows;
    private long _dropped;

    /// <summary>Logs a write's rows in <paramref name="partition"/>; false (and counted as dropped) when the backlog is full.</summary>
    public bool Append(int partition, HistoryRows rows)
    {
        lock (_gate)
        {
            if (_rows + rows.Count > maxBacklog)
            {
                _dropped += rows.Count;
                return false;
            }
            var ms = Math.Max(clock.GetUtcNow().ToUnixTimeMilliseconds(), _lastMs);
            _seq = ms == _lastMs ? _seq + 1 : 0;
            _lastMs = ms;
            _partitions[partition].Unread.Enqueue(new ReadingEntry(partition, $"{ms}-{_seq}", rows.Count, rows.Bytes.ToArray()));
            _rows += rows.Count;
            return true;
        }
    }

    public Task<IReadOnlyList<ReadingEntry>> ReadAsync(int partition, bool again, int max, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var p = _partitions[partition];
            if (again)
            {
                return Task.FromResult<IReadOnlyList<ReadingEntry>>([.. p.Pending.Values.Take(max)]);
            }
            var taken = new List<ReadingEntry>();
            while (taken.Count < max && p.Unread.TryDequeue(out var entry))
            {
                p.Pending[StreamId.Parse(entry.Position)] = entry;
                taken.Add(entry);
            }
            return Task.FromResult<IReadOnlyList<ReadingEntry>>(taken);
        }
    }

    public Task AckAsync(int partition, IReadOnlyList<ReadingEntry> entries, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                if (_partitions[partition].Pending.Remove(StreamId.Parse(entry.Position)))
                {
                    _rows -= entry.Count;
                }
            }
        }
        return Task.CompletedTask;
    }

    public Task<ReadingBacklog> BacklogAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(new ReadingBacklog(_rows, _dropped));
        }
    }

    private sealed class Partition
    {
        public Queue<ReadingEntry> Unread { get; } = new();
        public SortedDictionary<StreamId, ReadingEntry> Pending { get; } = [];
    }
}
