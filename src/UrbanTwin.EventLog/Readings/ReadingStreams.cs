namespace UrbanTwin.EventLog.Readings;

/// <summary>
/// Where history rows live in Redis, beside the event streams and partitioned the same way (an asset's rows are in
/// its events' partition, in order): <c>{ServiceId}/readings/{partition}</c>, with a counter of the rows each holds for
/// the backlog bound and one of the rows dropped at it.
/// </summary>
public static class ReadingStreams
{
    public const int Partitions = EventStreams.Partitions;

    /// <summary>The consumer group of the history writer, and its one reader per partition.</summary>
    public const string Group = "history";

    public static string Key(string serviceId, int partition) => $"{serviceId}/readings/{partition}";

    public static string BacklogKey(string serviceId, int partition) => $"{serviceId}/readings/{partition}/backlog";

    public static string DroppedKey(string serviceId) => $"{serviceId}/readings/dropped";
}
