namespace UrbanTwin.EventLog.Readings;

/// <summary>
/// One entry of the reading log: the history rows of the grain writes that one storage round trip made for one
/// partition (<see cref="HistoryRows"/>), at a position in that partition's stream.
/// </summary>
public sealed record ReadingEntry(int Partition, string Position, int Count, ReadOnlyMemory<byte> Rows);

/// <summary>
/// The history rows' part of the durable event log: a stream per partition beside the event streams
/// (<see cref="ReadingStreams"/>), appended in the same atomic step as the states that accepted the readings, read by
/// the history writer through the consumer group <see cref="ReadingStreams.Group"/> (one reader per partition), and
/// emptied once the history store has committed them. Bounded: beyond <c>History:MaxBacklog</c> rows, a write's rows
/// are not logged (its state still is) and are counted as dropped.
/// </summary>
public interface IReadingLog
{
    /// <summary>
    /// Up to <paramref name="max"/> entries of the partition, oldest first: with <paramref name="again"/>, those taken
    /// before and not acknowledged (after a crash); otherwise entries not taken yet, which become pending until acknowledged.
    /// </summary>
    Task<IReadOnlyList<ReadingEntry>> ReadAsync(int partition, bool again, int max, CancellationToken cancellationToken = default);

    /// <summary>The entries are in the history store: they leave the log and the backlog.</summary>
    Task AckAsync(int partition, IReadOnlyList<ReadingEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Rows logged and not yet in the history store, and rows ever dropped because the backlog was full.</summary>
    Task<ReadingBacklog> BacklogAsync(CancellationToken cancellationToken = default);
}

public readonly record struct ReadingBacklog(long Rows, long Dropped);
