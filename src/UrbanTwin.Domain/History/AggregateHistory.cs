using UrbanTwin.Contracts.History;

namespace UrbanTwin.Domain.History;

/// <summary>
/// A node's key aggregates over time at two resolutions: a sample every 10 s for the last hour, and the mean of
/// each minute for the last 24 h. Values are floats (counts are exact up to 16 million; means are for display),
/// and each ring shares one array of timestamps, so a full day of 16 series costs about 130 KB per node.
/// </summary>
public sealed class AggregateHistory
{
    public static readonly TimeSpan FineStep = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan CoarseStep = TimeSpan.FromMinutes(1);

    private readonly SeriesRing _fine = new(360);
    private readonly SeriesRing _coarse = new(1440);
    private readonly Dictionary<string, (double Sum, int Count)> _minute = new(StringComparer.Ordinal);
    private long _minuteStart = -1;

    /// <summary>Takes a 10 s sample; when it is the first of a new minute, returns the minute that closed: its start and its means.</summary>
    public (DateTimeOffset Start, Dictionary<string, double> Means)? Sample(DateTimeOffset now, IReadOnlyDictionary<string, double> values)
    {
        var minute = now.UtcTicks - now.UtcTicks % CoarseStep.Ticks;
        (DateTimeOffset, Dictionary<string, double>)? closed = null;
        if (_minuteStart >= 0 && minute != _minuteStart)
        {
            var means = _minute.ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Count, StringComparer.Ordinal);
            _coarse.Add(_minuteStart, means);
            closed = (new DateTimeOffset(_minuteStart, TimeSpan.Zero), means);
            _minute.Clear();
        }
        _minuteStart = minute;
        foreach (var (name, value) in values)
        {
            var (sum, count) = _minute.GetValueOrDefault(name);
            _minute[name] = (sum + value, count + 1);
        }
        _fine.Add(now.UtcTicks, values);
        return closed;
    }

    public HistoryPoint[] Query(string series, DateTimeOffset from, DateTimeOffset to, TimeSpan step) =>
        (step <= FineStep ? _fine : _coarse).Between(series, from, to);

    /// <summary>Parallel arrays: one of timestamps, one of floats per series (NaN where a series had no value).</summary>
    private sealed class SeriesRing(int capacity)
    {
        private readonly long[] _ticks = new long[capacity];
        private readonly Dictionary<string, float[]> _series = new(StringComparer.Ordinal);
        private int _start;
        private int _count;

        public void Add(long ticks, IReadOnlyDictionary<string, double> values)
        {
            var index = (_start + _count) % capacity;
            if (_count == capacity)
            {
                _start = (_start + 1) % capacity;
            }
            else
            {
                _count++;
            }
            _ticks[index] = ticks;
            foreach (var column in _series.Values)
            {
                column[index] = float.NaN;
            }
            foreach (var (name, value) in values)
            {
                if (!_series.TryGetValue(name, out var column))
                {
                    _series[name] = column = new float[capacity];
                    Array.Fill(column, float.NaN);
                }
                column[index] = (float)value;
            }
        }

        public HistoryPoint[] Between(string series, DateTimeOffset from, DateTimeOffset to)
        {
            if (!_series.TryGetValue(series, out var column))
            {
                return [];
            }
            var result = new List<HistoryPoint>();
            for (var i = 0; i < _count; i++)
            {
                var index = (_start + i) % capacity;
                if (_ticks[index] >= from.UtcTicks && _ticks[index] <= to.UtcTicks && !float.IsNaN(column[index]))
                {
                    result.Add(new HistoryPoint(new DateTimeOffset(_ticks[index], TimeSpan.Zero), column[index]));
                }
            }
            return [.. result];
        }
    }
}
