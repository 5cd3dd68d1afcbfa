using System.IO.Hashing;
using System.Text;

namespace UrbanTwin.EventLog;

/// <summary>
/// Where events live in Redis: one stream per partition, <c>{ServiceId}/events/{partition}</c>. An asset's events always go
/// to the same partition (a hash of its id), so they are in order there; events of different assets are ordered only
/// by time. The partition count is fixed: changing it would send an asset's later events to another stream than its
/// earlier ones, and a consumer could then see them out of order.
/// </summary>
public static class EventStreams
{
    public const int Partitions = 8;

    public static string Key(string serviceId, int partition) => $"{serviceId}/events/{partition}";

    public static int PartitionOf(string assetId) =>
        (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(assetId)) % Partitions);

    /// <summary>The first stream id at or after <paramref name="time"/> (stream ids start with Redis' clock in milliseconds).</summary>
    public static string IdAt(DateTimeOffset time) => $"{Math.Max(0, time.ToUnixTimeMilliseconds())}-0";
}
