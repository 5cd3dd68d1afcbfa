using System.Diagnostics;

namespace UrbanTwin.Simulator.Bench;

/// <summary>
/// What this machine does without the product in the way, measured in the same run: raw grain calls, and one
/// state write per call through the Orleans Redis provider. Both spread over many grains with many calls in
/// flight, as ingest is.
/// </summary>
public static class Baselines
{
    public const int Grains = 1000;
    public const int InFlight = 256;

    public static Task<double> GrainCallsPerSecondAsync(IGrainFactory grains, TimeSpan duration) =>
        RateAsync(duration, (i, k) => grains.GetGrain<IBenchEchoGrain>(i % Grains).Echo(k));

    public static Task<double> RedisWritesPerSecondAsync(IGrainFactory grains, TimeSpan duration) =>
        RateAsync(duration, (i, k) => grains.GetGrain<IBenchStateGrain>(i % Grains).Write(k));

    /// <summary>Runs <see cref="InFlight"/> loops of calls for a warm-up second, then counts completed calls for <paramref name="duration"/>.</summary>
    private static async Task<double> RateAsync(TimeSpan duration, Func<int, int, Task> call)
    {
        long completed = 0;
        var counting = false;
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, InFlight).Select(loop => Task.Run(async () =>
        {
            for (var k = 0; !stop.IsCancellationRequested; k++)
            {
                await call(loop + k * InFlight, k);
                if (Volatile.Read(ref counting))
                {
                    Interlocked.Increment(ref completed);
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(1)); // activations and connections warm up outside the count
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref counting, true);
        await Task.Delay(duration);
        var counted = Interlocked.Read(ref completed);
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        return counted / elapsed.TotalSeconds;
    }
}
