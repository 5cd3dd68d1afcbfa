using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.History;

namespace UrbanTwin.Domain.History;

/// <summary>
/// An asset's most recent readings, oldest overwritten first. A reading's metrics share its timestamp, so the ring
/// keeps one timestamp per reading and one float per metric of the asset's kind (4 bytes; NaN where a reading left
/// the metric out), all metrics of a reading side by side in one array: two arrays per asset, whatever its number
/// of metrics, as each array costs a header and a reference on top of its data.
/// A timestamp is 4 bytes: milliseconds after a base time, the oldest reading kept or later. That spans 24 days;
/// a reading more than that before the newest is dropped (the API serves 24-hour windows). So a two-metric reading
/// costs 12 bytes, against 32 when every metric kept its own 8-byte timestamp and double. Values come back rounded
/// to float precision (7 significant digits), which sensors do not exceed; times to the millisecond.
/// Readings arrive in timestamp order (the asset refuses older ones) and carry only metrics of the kind (it refuses others).
/// </summary>
/// <param name="metrics">The kind's metric names, shared by every asset of the kind.</param>
public sealed class AssetHistory(int capacity, string[] metrics)
{
    private const long TicksPerUnit = TimeSpan.TicksPerMillisecond;
    private int[] _times = new int[Math.Min(capacity, 8)];
    private float[] _values = NewValues(Math.Min(capacity, 8), metrics.Length);
    private long _baseTicks;
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
        var slot = (_start + Count) % _times.Length;
        if (Count == capacity)
        {
            _start = (_start + 1) % _times.Length; // full: the oldest goes
        }
        else
        {
            Count++;
        }
        _times[slot] = offset;
        var row = _values.AsSpan(slot * metrics.Length, metrics.Length);
        row.Fill(float.NaN);
        foreach (var sample in samples)
        {
            var m = Array.IndexOf(metrics, sample.Metric);
            if (m >= 0)
            {
                row[m] = (float)sample.Value;
            }
        }
    }

    /// <summary>The readings of <paramref name="metric"/> with <paramref name="from"/> ≤ ts ≤ <paramref name="to"/>, oldest first.</summary>
    public HistoryPoint[] Between(string metric, DateTimeOffset from, DateTimeOffset to)
    {
        var m = Array.IndexOf(metrics, metric);
        if (m < 0)
        {
            return [];
        }
        var result = new List<HistoryPoint>();
        for (var i = 0; i < Count; i++)
        {
            var slot = (_start + i) % _times.Length;
            var ticks = _baseTicks + _times[slot] * TicksPerUnit;
            var value = _values[slot * metrics.Length + m];
            if (ticks >= from.UtcTicks && ticks <= to.UtcTicks && !float.IsNaN(value))
            {
                // Through decimal: 0.16f comes back as 0.16, not 0.1599999964237213.
                result.Add(new HistoryPoint(new DateTimeOffset(ticks, TimeSpan.Zero), (double)(decimal)value));
            }
        }
        return [.. result];
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

    /// <summary>Doubles the ring (up to the capacity), the oldest reading first.</summary>
    private void Grow()
    {
        var size = Math.Min(capacity, _times.Length * 2);
        var times = new int[size];
        var values = NewValues(size, metrics.Length);
        for (var i = 0; i < Count; i++)
        {
            var slot = (_start + i) % _times.Length;
            times[i] = _times[slot];
            _values.AsSpan(slot * metrics.Length, metrics.Length).CopyTo(values.AsSpan(i * metrics.Length));
        }
        (_times, _values, _start) = (times, values, 0);
    }

    private static float[] NewValues(int slots, int metricCount) => new float[slots * metricCount];
}
