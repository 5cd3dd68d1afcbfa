using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.History;

namespace UrbanTwin.Grains.History;

/// <summary>
/// An asset's most recent readings, oldest overwritten first. A reading's metrics share its timestamp, so the ring
/// keeps one timestamp per reading (8 bytes) and one float per metric (4 bytes; NaN where a reading left the metric
/// out): 16 bytes a reading for a two-metric asset, against 32 when every metric kept its own timestamps and
/// doubles. Values come back rounded to float precision (7 significant digits), which sensors do not exceed.
/// Readings arrive in timestamp order (the asset refuses older ones).
/// </summary>
public sealed class AssetHistory(int capacity)
{
    private long[] _ticks = new long[Math.Min(capacity, 8)];
    private readonly List<(string Metric, float[] Values)> _series = [];
    private int _start;

    public int Count { get; private set; }
    public int Capacity => capacity;

    public void Add(DateTimeOffset ts, MetricSample[] samples)
    {
        if (Count == _ticks.Length && Count < capacity)
        {
            Grow();
        }
        var index = (_start + Count) % _ticks.Length;
        if (Count == capacity)
        {
            _start = (_start + 1) % _ticks.Length; // full: the oldest goes
        }
        else
        {
            Count++;
        }
        _ticks[index] = ts.UtcTicks;
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
        var values = _series.Find(s => s.Metric == metric).Values;
        if (values is null)
        {
            return [];
        }
        var result = new List<HistoryPoint>();
        for (var i = 0; i < Count; i++)
        {
            var index = (_start + i) % _ticks.Length;
            if (_ticks[index] >= from.UtcTicks && _ticks[index] <= to.UtcTicks && !float.IsNaN(values[index]))
            {
                // Through decimal: 0.16f comes back as 0.16, not 0.1599999964237213.
                result.Add(new HistoryPoint(new DateTimeOffset(_ticks[index], TimeSpan.Zero), (double)(decimal)values[index]));
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
        var added = new float[_ticks.Length];
        Array.Fill(added, float.NaN);
        _series.Add((metric, added));
        return added;
    }

    private void Grow()
    {
        var size = Math.Min(capacity, _ticks.Length * 2);
        _ticks = Unwrap(_ticks, size);
        for (var s = 0; s < _series.Count; s++)
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
