namespace UrbanTwin.EventLog;

/// <summary>Reads the durable event log (writing is the grains' storage's: an event is written with its state).</summary>
public interface IEventLog
{
    /// <summary>
    /// Up to <paramref name="max"/> events logged at or after <paramref name="since"/> (the log's clock), oldest first
    /// within each partition and ordered by time across them. Fewer when the log no longer holds the older ones.
    /// </summary>
    Task<IReadOnlyList<LoggedEvent>> ReadSinceAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default);
}
