using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.History;

namespace UrbanTwin.Grains.History;

/// <summary>
/// An asset's most recent readings, oldest overwritten first. A reading's metrics share its timestamp, so the ring
/// keeps one timestamp per reading and one float per metric (4 bytes; NaN where a reading left the metric out).
/// A timestamp is 4 bytes: milliseconds after a base time, the oldest reading kept or later. That spans 24 days;
/// a reading more than that before the newest is dropped (the API serves 24-hour windows). So a two-metric
/// reading costs 12 bytes, against 32 when every metric kept its own 8-byte timestamp and double. Values come back
/// rounded to float precision (7 significant digits), which sensors do not exceed; times to the millisecond.
/// Readings arrive in timestamp order (the asset refuses older ones).
/// </summary>
public sealed class AssetHistory(int capacity)
{
    private const long TicksPerUnit = TimeSpan.TicksPerMillisecond;
    private int[] _times = new int[Math.Min(capacity, 8)];
    private long _baseTicks;
    private (string Metric, float[] Values)[] _series = [];
    private int _start;

    public int Count { get; private set; }
    public int Capacity => capacity;

    public void Add(DateTimeOffset ts, MetricSample[] samples)
    {
        var offset = Offset(ts.UtcTicks);
        if (Count == _times.Length && Count < capacity)
        {
            Grow();
        }
        var index = (_start + Count) % _times.Length;
        if (Count == capacity)
        {
            _start = (_start + 1) % _times.Length; // full: the oldest goes
        }
        else
        {
            Count++;
        }
        _times[index] = offset;
        foreach (var (_, values) in _series)
        {
            values[index] = float.NaN;
        }
        foreach (var sample in samples)
        {
            Series(sample.Metric)[index] = (float)sample.Value;
        }
    }

    /// <summary>The readings of <paramref name="metric"/> with <paramref name="from"/> ≤ ts ≤ <paramref name="to"/>, oldest first.</summary>
    public HistoryPoint[] Between(string metric, DateTimeOffset from, DateTimeOffset to)
    {
        var values = Array.Find(_series, s => s.Metric == metric).Values;
        if (values is null)
        {
            return [];
        }
        var result = new List<HistoryPoint>();
        for (var i = 0; i < Count; i++)
        {
            var index = (_start + i) % _times.Length;
            var ticks = _baseTicks + _times[index] * TicksPerUnit;
            if (ticks >= from.UtcTicks && ticks <= to.UtcTicks && !float.IsNaN(values[index]))
            {
                // Through decimal: 0.16f comes back as 0.16, not 0.1599999964237213.
                result.Add(new HistoryPoint(new DateTimeOffset(ticks, TimeSpan.Zero), (double)(decimal)values[index]));
            }
        }
        return [.. result];
    }

    private float[] Series(string metric)
    {
        foreach (var (name, values) in _series)
        {
            if (name == metric)
            {
                return values;
            }
        }
        var added = new float[_times.Length];
        Array.Fill(added, float.NaN);
        _series = [.. _series, (metric, added)]; // exactly as long as the metrics seen: most assets have two
        return added;
    }

    /// <summary>
    /// <paramref name="ticks"/> as milliseconds after the base, moving the base (and dropping readings that would
    /// fall more than the span of an int before the newest) when it does not fit.
    /// </summary>
    private int Offset(long ticks)
    {
        if (Count == 0)
        {
            _baseTicks = ticks - ticks % TicksPerUnit;
        }
        var units = (ticks - _baseTicks) / TicksPerUnit;
        if (units <= int.MaxValue)
        {
            return (int)units;
        }
        // Rebase on the oldest reading still within reach of the new one.
        var newBase = ticks - ticks % TicksPerUnit - int.MaxValue * TicksPerUnit;
        while (Count > 0 && _baseTicks + _times[_start] * TicksPerUnit < newBase)
        {
            _start = (_start + 1) % _times.Length;
            Count--;
        }
        var rebase = Count == 0 ? ticks - ticks % TicksPerUnit : _baseTicks + _times[_start] * TicksPerUnit;
        var shift = (int)((rebase - _baseTicks) / TicksPerUnit);
        for (var i = 0; i < Count; i++)
        {
            _times[(_start + i) % _times.Length] -= shift;
        }
        _baseTicks = rebase;
        return (int)((ticks - _baseTicks) / TicksPerUnit);
    }

    private void Grow()
    {
        var size = Math.Min(capacity, _times.Length * 2);
        _times = Unwrap(_times, size);
        for (var s = 0; s < _series.Length; s++)
        {
            var grown = Unwrap(_series[s].Values, size);
            Array.Fill(grown, float.NaN, Count, size - Count);
            _series[s] = (_series[s].Metric, grown);
        }
        _start = 0;
    }

    private T[] Unwrap<T>(T[] items, int size)
    {
        var unwrapped = new T[size];
        for (var i = 0; i < Count; i++)
        {
            unwrapped[i] = items[(_start + i) % items.Length];
        }
        return unwrapped;
    }
}
