using Microsoft.Extensions.Logging;

namespace UrbanTwin.ServiceDefaults;

/// <summary>
/// A warning that can repeat once per asset or per request (a silo dies, Redis goes away) logged as one line per
/// <see cref="Interval"/>: the first occurrence at once, with its exception; the others in that interval counted and
/// summed up in one line when it ends. Metrics count every occurrence; the log says that it happens and how often.
/// </summary>
public sealed class RepeatedWarning(ILogger logger, string what, TimeProvider? clock = null)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _suppressed;
    private string? _lastDetail;
    private ITimer? _summary;

    public void Report(Exception? exception, string detail)
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            if (now - _windowStart < Interval)
            {
                _suppressed++;
                _lastDetail = detail;
                _summary ??= _clock.CreateTimer(static state => ((RepeatedWarning)state!).Summarize(), this, _windowStart + Interval - now, Timeout.InfiniteTimeSpan);
                return;
            }
            _windowStart = now;
        }
        logger.LogWarning(exception, "{What}: {Detail}", what, detail);
    }

    private void Summarize()
    {
        int count;
        string? last;
        lock (_lock)
        {
            (count, last, _suppressed, _lastDetail) = (_suppressed, _lastDetail, 0, null);
            _summary?.Dispose();
            _summary = null;
        }
        if (count > 0)
        {
            logger.LogWarning("{What}: {Count} more times in the last {Interval} s (the last: {Detail})", what, count, (int)Interval.TotalSeconds, last);
        }
    }
}
