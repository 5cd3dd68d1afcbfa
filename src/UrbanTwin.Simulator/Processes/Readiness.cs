namespace UrbanTwin.Simulator.Processes;

public static class Readiness
{
    /// <summary>
    /// Polls <paramref name="url"/> (a <c>/health/ready</c>) until it answers 2xx and returns how long that took;
    /// fails with the process's log tail when it exits first or the deadline passes.
    /// </summary>
    public static async Task<TimeSpan> WaitAsync(ServiceProcess process, string url, TimeSpan deadline)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var started = DateTime.UtcNow;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited during start-up. Log tail:\n{process.LogTail()}");
            }
            try
            {
                using var response = await probe.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return DateTime.UtcNow - started;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow - started > deadline)
            {
                throw new TimeoutException($"{process.Name} not ready within {deadline.TotalSeconds} s at {url}. Log tail:\n{process.LogTail()}");
            }
            await Task.Delay(200);
        }
    }
}
