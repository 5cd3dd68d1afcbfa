using UrbanTwin.Contracts.History;

namespace UrbanTwin.Grains.History;

/// <summary>
/// The most recent readings of one metric, oldest overwritten first: two parallel arrays (ticks, value) that grow to
/// the capacity and then wrap, 16 bytes a reading. Readings arrive in timestamp order (the asset refuses older ones).
/// </summary>
public sealed class ReadingRing(int capacity)
{
    private long[] _ticks = new long[Math.Min(capacity, 8)];
    private double[] _values = new double[Math.Min(capacity, 8)];
    private int _start;

    public int Count { get; private set; }
    public int Capacity => capacity;

    public void Add(DateTimeOffset ts, double value)
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
        _values[index] = value;
    }

    /// <summary>The readings with <paramref name="from"/> ≤ ts ≤ <paramref name="to"/>, oldest first.</summary>
    public HistoryPoint[] Between(DateTimeOffset from, DateTimeOffset to)
    {
        var result = new List<HistoryPoint>();
        for (var i = 0; i < Count; i++)
        {
            var index = (_start + i) % _ticks.Length;
            if (_ticks[index] >= from.UtcTicks && _ticks[index] <= to.UtcTicks)
            {
                result.Add(new HistoryPoint(new DateTimeOffset(_ticks[index], TimeSpan.Zero), _values[index]));
            }
        }
        return [.. result];
    }

    private void Grow()
    {
        var size = Math.Min(capacity, _ticks.Length * 2);
        var ticks = new long[size];
        var values = new double[size];
        for (var i = 0; i < Count; i++)
        {
            ticks[i] = _ticks[(_start + i) % _ticks.Length];
            values[i] = _values[(_start + i) % _ticks.Length];
        }
        (_ticks, _values, _start) = (ticks, values, 0);
    }
}
