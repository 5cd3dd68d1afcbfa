using UrbanTwin.Contracts.History;

namespace UrbanTwin.Domain.History;

/// <summary>How a bucket of a series is summed up into one point.</summary>
public enum HistoryAggregate
{
    Avg,
    Min,
    Max,
    Last,
}

/// <summary>
/// What a time bucket of a series holds, in a form two parts of one bucket can be merged in (the history store's part
/// and memory's newer part): sum and count for the mean, the least, the greatest and the newest value with its time.
/// A raw point is a bucket of one.
/// </summary>
public readonly record struct SeriesBucket(DateTimeOffset Ts, double Sum, long Count, double Min, double Max, double Last, DateTimeOffset LastAt)
{
    public static SeriesBucket Of(HistoryPoint point) => new(point.Ts, point.Value, 1, point.Value, point.Value, point.Value, point.Ts);

    public SeriesBucket Merge(SeriesBucket other) => new(Ts, Sum + other.Sum, Count + other.Count, Math.Min(Min, other.Min), Math.Max(Max, other.Max),
        other.LastAt >= LastAt ? other.Last : Last, other.LastAt >= LastAt ? other.LastAt : LastAt);

    public double Value(HistoryAggregate aggregate) => aggregate switch
    {
        HistoryAggregate.Min => Min,
        HistoryAggregate.Max => Max,
        HistoryAggregate.Last => Last,
        _ => Count == 0 ? double.NaN : Sum / Count,
    };

    /// <summary>The start of the bucket of width <paramref name="step"/> holding <paramref name="ts"/>, counted from 2000-01-01 UTC (as the store's <c>date_bin</c>).</summary>
    public static DateTimeOffset Start(DateTimeOffset ts, TimeSpan step)
    {
        var since = ts.UtcTicks - Origin.UtcTicks;
        var offset = since % step.Ticks;
        return new DateTimeOffset(ts.UtcTicks - (offset < 0 ? offset + step.Ticks : offset), TimeSpan.Zero);
    }

    public static readonly DateTimeOffset Origin = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Points into buckets of <paramref name="step"/> (null: each point its own), oldest first.</summary>
    public static List<SeriesBucket> Bin(IEnumerable<HistoryPoint> points, TimeSpan? step)
    {
        var buckets = new List<SeriesBucket>();
        foreach (var point in points.OrderBy(p => p.Ts))
        {
            var bucket = Of(point);
            if (step is { } width)
            {
                bucket = bucket with { Ts = Start(point.Ts, width) };
                if (buckets.Count > 0 && buckets[^1].Ts == bucket.Ts)
                {
                    buckets[^1] = buckets[^1].Merge(bucket);
                    continue;
                }
            }
            buckets.Add(bucket);
        }
        return buckets;
    }

    /// <summary>
    /// The store's buckets followed by memory's points newer than anything the store has (<paramref name="storedUpTo"/>):
    /// the store is the record, memory fills in what has not reached it yet. A bucket both have is merged.
    /// </summary>
    public static List<SeriesBucket> Seam(IReadOnlyList<SeriesBucket> stored, DateTimeOffset? storedUpTo, IEnumerable<HistoryPoint> memory, TimeSpan? step)
    {
        var result = new List<SeriesBucket>(stored);
        foreach (var bucket in Bin(memory.Where(p => storedUpTo is null || p.Ts > storedUpTo), step))
        {
            if (result.Count > 0 && step is not null && result[^1].Ts == bucket.Ts)
            {
                result[^1] = result[^1].Merge(bucket);
            }
            else if (result.Count == 0 || bucket.Ts > result[^1].Ts || step is null && bucket.Ts >= result[^1].Ts)
            {
                result.Add(bucket);
            }
        }
        return result;
    }
}
