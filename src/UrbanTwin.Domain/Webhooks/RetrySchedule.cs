namespace UrbanTwin.Domain.Webhooks;

/// <summary>
/// When a failed delivery is tried again: the n-th retry waits the n-th delay of the schedule, give or take
/// <see cref="Jitter"/> (so many subscriptions failing together do not retry together), and at least what the
/// receiver asked for with <c>Retry-After</c>. After the last delay the event is dead-lettered.
/// </summary>
public static class RetrySchedule
{
    public const double Jitter = 0.2;

    /// <summary>The wait before retry <paramref name="retry"/> (1-based), or null when the schedule is exhausted.</summary>
    public static TimeSpan? DelayBefore(int retry, IReadOnlyList<TimeSpan> schedule, TimeSpan? retryAfter, double random)
    {
        if (retry < 1 || retry > schedule.Count)
        {
            return null;
        }
        var delay = schedule[retry - 1] * (1 + Jitter * (2 * random - 1));
        return retryAfter is { } asked && asked > delay ? asked : delay;
    }
}
