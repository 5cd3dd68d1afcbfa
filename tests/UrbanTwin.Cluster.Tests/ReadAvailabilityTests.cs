using System.Text.Json;
using UrbanTwin.Cluster.Tests.Harness;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Demo;
using UrbanTwin.Grains.Topology;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Cluster.Tests;

/// <summary>
/// What an operations center sees while silos die, restart and Redis goes away, measured through the gateway that was
/// running all along (not a fresh one): readers poll the province, its cities, rankings, alarms and 50 assets while
/// integrators write with <c>ack=durable</c>. Every scenario ends by reading every acknowledged value back, fresh.
/// The update rate is <c>URBANTWIN_TEST_UPDATES_PER_SECOND</c> (default 2,000) and the span measured after a crash,
/// and the length of the Redis outage, <c>URBANTWIN_TEST_OBSERVE_SECONDS</c> (default 10); docs/operations.md has the
/// figures of a run at 20,000 updates/s and 30 s.
/// </summary>
public sealed class ReadAvailabilityTests(ITestOutputHelper output)
{
    private static readonly AssetDefinition[] ReferenceAssets = [.. AssetPlan.For(ReferenceTopology.Load())];
    private static readonly AssetDefinition[] Written = ReferenceAssets[..2000];
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ReadInterval = TimeSpan.FromMilliseconds(20);

    private static readonly string[] OperatorPaths =
    [
        "/api/v1/nodes/shanxi", "/api/v1/nodes/shanxi/children", "/api/v1/nodes/taiyuan/children",
        "/api/v1/rankings?level=city&metric=activeAlarms", "/api/v1/alarms?limit=20",
        .. ReferenceTopology.Load().Where(n => n.Kind == NodeKind.City).Select(n => "/api/v1/nodes/" + n.Id),
        .. Written.Where((_, i) => i % 40 == 0).Select(a => "/api/v1/assets/" + a.Id),
    ];

    [Theory]
    [InlineData(3, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 0)] // silo 0 seeded the topology: it holds the topology grain and most of the tree's first activations
    public async Task A_kill_9_of_a_silo_leaves_the_operators_reads_answered_and_loses_no_acknowledged_write(int silos, int victim)
    {
        await using var cluster = await LocalCluster.StartAsync(output, silos);
        var (writers, reads, stop, running) = StartLoad(cluster);
        await WarmUpAsync(writers, reads);

        var killedAt = reads.Elapsed;
        output.WriteLine($"kill -9 of silo {victim} at {DateTime.UtcNow:HH:mm:ss.fff} UTC");
        cluster.KillSilo(victim);
        var recovered = await FreshForAsync(reads, killedAt, TimeSpan.FromSeconds(3));
        await Eventually.Until(() => Task.FromResult(reads.Elapsed), t => t >= killedAt + ObserveAfterCrash, Deadline, "the observed span after the kill");
        await stop.CancelAsync();
        await running;

        var figures = reads.FiguresBetween(killedAt, Max(recovered, killedAt + ObserveAfterCrash));
        Report($"kill -9 of silo {victim} of {silos}", figures, writers, cluster);
        await AssertNothingLostAsync(cluster, writers);
        Assert.True(figures.AnsweredShare >= 0.995,
            $"{figures.Answered} of {figures.Total} reads answered after the kill: {string.Join("; ", figures.Unanswered)}");
    }

    [Fact]
    public async Task A_rolling_restart_of_every_silo_fails_no_read_and_loses_no_acknowledged_write()
    {
        await using var cluster = await LocalCluster.StartAsync(output, 3);
        var (writers, reads, stop, running) = StartLoad(cluster);
        await WarmUpAsync(writers, reads);

        var began = reads.Elapsed;
        for (var i = 0; i < cluster.Silos.Length; i++)
        {
            var exitCode = await cluster.StopSiloAsync(i); // SIGTERM: drain, hand the grains over, exit
            Assert.Equal(0, exitCode);
            await cluster.StartSiloAsync(i);
        }
        await FreshForAsync(reads, began, TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await running;

        var figures = reads.FiguresBetween(began, reads.Elapsed);
        Report("rolling restart of 3 silos", figures, writers, cluster);
        await AssertNothingLostAsync(cluster, writers);
        Assert.True(figures.Answered == figures.Total, $"{figures.Total - figures.Answered} reads failed: {string.Join("; ", figures.Unanswered)}");
    }

    [Fact]
    public async Task While_Redis_is_away_reads_stay_fresh_accepted_writes_go_on_and_the_write_behind_backlog_drains_after()
    {
        await using var cluster = await LocalCluster.StartAsync(output, 2);
        var (writers, reads, stop, running) = StartLoad(cluster);
        var accepted = new PacedWriters(cluster.Http, ReferenceAssets[2000..3000], "accepted", writers: 1, batch: 100, TimeSpan.FromMilliseconds(250));
        var acceptedRunning = accepted.RunAsync(stop.Token);
        await WarmUpAsync(writers, reads);

        var stoppedAt = reads.Elapsed;
        var acceptedBefore = accepted.AcknowledgedItems;
        await cluster.Redis.StopAsync();
        // The write-behind backlog grows on the silos while Redis is away...
        await Eventually.Until(() => BacklogAsync(cluster), n => n > 0, TimeSpan.FromSeconds(30), "a write-behind backlog while Redis is away");
        await Eventually.Until(() => Task.FromResult(accepted.AcknowledgedItems), n => n >= acceptedBefore + 500, TimeSpan.FromSeconds(30),
            "500 ack=accepted readings acknowledged while Redis is away");
        var durableRefusals = writers.RetryableRefusals;
        await Eventually.Until(() => Task.FromResult(writers.RetryableRefusals), n => n > durableRefusals, TimeSpan.FromSeconds(30),
            "ack=durable refused (503 or unavailable) while Redis is away");
        await Eventually.Until(() => Task.FromResult(reads.Elapsed), t => t >= stoppedAt + ObserveAfterCrash, Deadline, "the observed span of the outage");
        var restartedAt = reads.Elapsed;
        var peak = await BacklogAsync(cluster);
        var durableAtRestart = writers.AcknowledgedItems;
        await cluster.Redis.StartAsync();
        await Eventually.Until(() => Task.FromResult(writers.AcknowledgedItems), n => n >= durableAtRestart + 500, Deadline,
            "500 more durable writes acknowledged once Redis is back");
        await stop.CancelAsync();
        await Task.WhenAll(running, acceptedRunning);
        // ...and drains once it is back (with the writers stopped, so that nothing new is pending).
        var drain = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.Until(() => BacklogAsync(cluster), n => n == 0, Deadline, "the write-behind backlog drained after Redis returned");
        output.WriteLine($"write-behind backlog: {peak} grains when Redis returned, drained {drain.Elapsed.TotalSeconds:F1} s after the writers stopped");

        var figures = reads.FiguresBetween(stoppedAt, restartedAt);
        Report("Redis away", figures, writers, cluster);
        output.WriteLine($"ack=accepted while Redis was away: {accepted.AcknowledgedItems - acceptedBefore} readings acknowledged, {accepted.RetryableRefusals} requests with items answered unavailable");
        await AssertNothingLostAsync(cluster, writers);
        Assert.Empty(accepted.Failures);
        Assert.True(figures.Answered == figures.Total, $"{figures.Total - figures.Answered} reads failed while Redis was away: {string.Join("; ", figures.Unanswered)}");
        // The grains hold the state: reads do not go stale because storage is away. A few may, when a read waits behind
        // a durable write that is failing on the same asset, or outlasts the read budget on two busy cores: 2.0–6.1 %
        // in eight runs of the same code on one shared machine (2026-12-02), so the bound is a tenth. Reads that went
        // stale because storage was away would be most of them.
        Assert.True(figures.Stale <= figures.Total / 10, $"{figures.Stale} of {figures.Total} reads were stale while Redis was away");
    }

    private static TimeSpan ObserveAfterCrash => TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("URBANTWIN_TEST_OBSERVE_SECONDS"), out var seconds) && seconds > 0 ? seconds : 10);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static int UpdatesPerSecond =>
        int.TryParse(Environment.GetEnvironmentVariable("URBANTWIN_TEST_UPDATES_PER_SECOND"), out var rate) && rate > 0 ? rate : 2000;

    private static (PacedWriters Writers, ReadProbe Reads, CancellationTokenSource Stop, Task Running) StartLoad(LocalCluster cluster)
    {
        const int writerCount = 4;
        var interval = TimeSpan.FromMilliseconds(250);
        var batch = Math.Max(1, (int)(UpdatesPerSecond * interval.TotalSeconds / writerCount));
        var writers = new PacedWriters(cluster.Http, Written, "durable", writerCount, batch, interval);
        var reads = new ReadProbe(cluster.Http, OperatorPaths);
        var stop = new CancellationTokenSource();
        return (writers, reads, stop, Task.WhenAll(writers.RunAsync(stop.Token), reads.RunAsync(readers: 4, ReadInterval, stop.Token)));
    }

    /// <summary>The dashboard has read every path fresh, and the integrators' writes are being acknowledged.</summary>
    private static async Task WarmUpAsync(PacedWriters writers, ReadProbe reads)
    {
        await Eventually.Until(() => Task.FromResult(reads.EveryPathAnsweredFresh() && writers.AcknowledgedItems >= 1000), ok => ok, Deadline,
            "every operator path read fresh and 1000 writes acknowledged");
    }

    /// <summary>Waits until every read has been fresh for <paramref name="streak"/>; returns when that streak began.</summary>
    private static async Task<TimeSpan> FreshForAsync(ReadProbe reads, TimeSpan since, TimeSpan streak)
    {
        var began = since;
        await Eventually.Until(() =>
        {
            var figures = reads.FiguresBetween(since, reads.Elapsed);
            began = since + TimeSpan.FromSeconds(figures.FreshAgainSeconds);
            return Task.FromResult(reads.Elapsed - began);
        }, fresh => fresh >= streak, Deadline, $"every read fresh for {streak.TotalSeconds} s");
        return began;
    }

    private static async Task AssertNothingLostAsync(LocalCluster cluster, PacedWriters writers)
    {
        await writers.DrainAsync(Deadline);
        Assert.Empty(writers.Failures);
        // Through the same gateway, fresh answers only: a stale one is the gateway's memory, not the asset's state.
        Assert.Empty(await Simulator.Checks.TelemetryWriter.ReadBackMismatchesAsync(cluster.Http, writers.Acknowledged, Deadline));
    }

    private static async Task<double> BacklogAsync(LocalCluster cluster)
    {
        var total = 0.0;
        for (var i = 0; i < cluster.Silos.Length; i++)
        {
            using var http = new HttpClient { BaseAddress = cluster.SiloHttp(i), Timeout = TimeSpan.FromSeconds(5) };
            total += (await PrometheusScrape.TakeAsync(http)).Sum("urbantwin_storage_pending");
        }
        return total;
    }

    private void Report(string scenario, ReadProbe.Figures figures, PacedWriters writers, LocalCluster cluster)
    {
        output.WriteLine($"{scenario} at {writers.Rate:F0} durable updates/s asked ({writers.AcknowledgedRate:F0}/s acknowledged): {figures.Answered}/{figures.Total} reads answered " +
            $"({figures.AnsweredShare:P2}; {figures.Stale} stale), p50 {figures.P50Ms:F0} ms, p99 {figures.P99Ms:F0} ms, max {figures.MaxMs:F0} ms; " +
            $"every read fresh again {figures.FreshAgainSeconds:F1} s after; writes: {writers.AcknowledgedItems} acknowledged, " +
            $"{writers.RetryableRefusals} requests with retryable refusals; last reads not fresh: {string.Join("; ", figures.LastNotFresh)}");
        File.WriteAllText(Path.Combine(cluster.Directory, $"reads-{scenario.Replace(' ', '-')}.json"), JsonSerializer.Serialize(figures));
    }
}
