using UrbanTwin.Contracts.Assets;
using UrbanTwin.Simulator.Checks;

namespace UrbanTwin.Cluster.Tests.Harness;

/// <summary>
/// Integrators writing at a steady rate: <c>writers</c> <see cref="TelemetryWriter"/>s over disjoint slices of the
/// assets, each sending a batch every <c>interval</c>, so the rate is writers × batch / interval. Each keeps its own
/// ledger of what was acknowledged.
/// </summary>
public sealed class PacedWriters(HttpClient http, IReadOnlyList<AssetDefinition> assets, string ack, int writers, int batch, TimeSpan interval)
{
    public TelemetryWriter[] Writers { get; } = [.. Enumerable.Range(0, writers).Select(w =>
        new TelemetryWriter(http, [.. assets.Where((_, i) => i % writers == w)], ack, seed: 100 + w))];

    public int AcknowledgedItems => Writers.Sum(w => w.AcknowledgedItems);
    public int RetryableRefusals => Writers.Sum(w => w.RetryableRefusals);
    public IEnumerable<string> Failures => Writers.SelectMany(w => w.Failures);
    public IEnumerable<TelemetryWriter.Item> Acknowledged => Writers.SelectMany(w => w.Acknowledged.Values);

    public double Rate => writers * batch / interval.TotalSeconds;

    private readonly System.Diagnostics.Stopwatch _running = new();

    /// <summary>What was acknowledged per second while running: below <see cref="Rate"/> when the cluster cannot keep up.</summary>
    public double AcknowledgedRate => _running.Elapsed.TotalSeconds > 0 ? AcknowledgedItems / _running.Elapsed.TotalSeconds : 0;

    public Task RunAsync(CancellationToken stop)
    {
        _running.Start();
        stop.Register(_running.Stop);
        return RunWritersAsync(stop);
    }

    private Task RunWritersAsync(CancellationToken stop) => Task.WhenAll(Writers.Select((writer, w) => Task.Run(async () =>
    {
        // Offset from each other, so the writers take turns rather than post in step.
        await Task.Delay(interval * w / writers, CancellationToken.None);
        using var timer = new PeriodicTimer(interval);
        do
        {
            await writer.SendBatchAsync(batch);
        }
        while (!stop.IsCancellationRequested && await timer.WaitForNextTickAsync(CancellationToken.None));
    })));

    /// <summary>Sends what is still unacknowledged until nothing is left.</summary>
    public Task DrainAsync(TimeSpan deadline) => Task.WhenAll(Writers.Select(w => w.DrainAsync(deadline)));
}
