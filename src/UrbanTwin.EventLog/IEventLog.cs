namespace UrbanTwin.EventLog;

/// <summary>
/// Reads the durable event log (writing is the grains' storage's: an event is written with its state), either from
/// a time (a live view catching up) or through a consumer group, which remembers what its reader has taken and what
/// it has acknowledged, so a reader that crashed takes up its unacknowledged events again (at least once).
/// </summary>
public interface IEventLog
{
    /// <summary>
    /// Up to <paramref name="max"/> events logged at or after <paramref name="since"/> (the log's clock), oldest first
    /// within each partition and ordered by time across them. Fewer when the log no longer holds the older ones.
    /// </summary>
    Task<IReadOnlyList<LoggedEvent>> ReadSinceAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default);

    /// <summary>Creates the consumer group <paramref name="group"/> at the log's end (it gets what is logged from now on); nothing if it exists.</summary>
    Task CreateGroupAsync(string group, CancellationToken cancellationToken = default);

    /// <summary>Removes the group and what it had pending, so the log no longer keeps events for it.</summary>
    Task DeleteGroupAsync(string group, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="max"/> events per partition for the group's one reader (all that were taken: each is
    /// pending from now on), in log order within each partition: with
    /// <paramref name="again"/>, those it took before and has not acknowledged (after a crash, or to retry them);
    /// otherwise events it has not taken yet, which become pending until <see cref="AckAsync"/>. A group that does not
    /// exist is created first (at the log's end).
    /// </summary>
    Task<IReadOnlyList<LoggedEvent>> ReadGroupAsync(string group, bool again, int max, CancellationToken cancellationToken = default);

    /// <summary>Marks events as done for the group: they are never handed to it again.</summary>
    Task AckAsync(string group, IReadOnlyCollection<LoggedEvent> events, CancellationToken cancellationToken = default);

    /// <summary>How far behind the group is: events taken and not acknowledged, and events not taken yet (when the log can tell).</summary>
    Task<GroupProgress> ProgressAsync(string group, CancellationToken cancellationToken = default);
}

/// <param name="Pending">Taken by the group's reader and not acknowledged.</param>
/// <param name="Unread">Logged and not yet taken; null when the log cannot tell (a Redis before 7.0).</param>
/// <param name="OldestPendingAt">When the oldest pending event was logged.</param>
public sealed record GroupProgress(long Pending, long? Unread, DateTimeOffset? OldestPendingAt)
{
    public long Backlog => Pending + (Unread ?? 0);
}
