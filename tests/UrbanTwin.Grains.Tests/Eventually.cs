namespace UrbanTwin.Grains.Tests;

/// <summary>Waits for a condition with a deadline (never a fixed sleep), and says what was last seen on failure.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what)
    {
        var started = DateTime.UtcNow;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }
            if (DateTime.UtcNow - started > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {deadline.TotalSeconds} s; last seen: {last}");
            }
            await Task.Delay(20);
        }
    }
}
