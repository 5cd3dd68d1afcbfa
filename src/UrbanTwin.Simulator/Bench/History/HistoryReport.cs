using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace UrbanTwin.Simulator.Bench.History;

/// <summary>Unbounded ingest against one cluster (1 silo, 1 gateway, Redis), without and with the history store.</summary>
/// <param name="ValuesPerSecond">Reading values the store took per second during the phase with it.</param>
/// <param name="BacklogAfter">Rows left in the reading log when the load stopped.</param>
/// <param name="DrainSeconds">From the load's end until the log was empty; null when it was not within the deadline.</param>
public sealed record HistoryIngestFigures(string Ack, double WithoutPerSecond, double WithPerSecond, double ValuesPerSecond, long BacklogAfter,
    double? DrainSeconds, long FailedRequests)
{
    public double Ratio => WithPerSecond / WithoutPerSecond;
}

/// <summary>Unbounded durable ingest with the history store configured and PostgreSQL stopped: what logging the rows costs alone.</summary>
/// <param name="BacklogAfter">Rows the reading log held when the load stopped.</param>
/// <param name="Dropped">Rows dropped at the backlog bound meanwhile.</param>
/// <param name="DrainSeconds">From PostgreSQL's restart until the log was empty (the writers retry every History:RetryDelay, 5 s).</param>
public sealed record HistoryOutageFigures(double PerSecond, long BacklogAfter, long Dropped, double? DrainSeconds);

/// <summary>Ingest held at a fixed rate with the history store: whether the store keeps up.</summary>
/// <param name="MaxBacklog">The most rows the reading log held during the phase (sampled every second).</param>
public sealed record HistoryRateFigures(double TargetPerSecond, double AchievedPerSecond, double ValuesPerSecond, long MaxBacklog, long BacklogAfter,
    double? DrainSeconds, long FailedRequests);

/// <param name="BytesPerReading">Heap and index bytes of the readings table over its rows.</param>
public sealed record HistoryDiskFigures(long Rows, long HeapBytes, long IndexBytes)
{
    public double BytesPerReading => (HeapBytes + IndexBytes) / (double)Math.Max(1, Rows);
}

/// <summary>What one <c>bench-history</c> run measured (issue #21's Measure section).</summary>
public sealed record HistoryReport(
    string Mode,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    MachineInfo Machine,
    string[] PostgresSettings,
    HistoryIngestFigures Durable,
    HistoryIngestFigures Accepted,
    HistoryOutageFigures Outage,
    HistoryRateFigures AtRate,
    FillResult Fill,
    HistoryDiskFigures Disk,
    HistoryQueryFigures[] Queries)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The issue's targets: p99 of the three queries. Stated, never asserted.</summary>
    public static readonly double[] P99TargetsMs = [50, 200, 500];

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToTable()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"bench-history --{Mode}: {Machine.Cores} cores, {Machine.Runtime}, {Machine.Configuration}, {DurationSeconds:F0} s");
        text.AppendLine("| ingest (1 silo + gateway, Redis) | without store, updates/s | with store, updates/s | ratio | values into PostgreSQL/s | backlog at end | drained in |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var i in new[] { Durable, Accepted })
        {
            text.AppendLine(c, $"| ack={i.Ack}, unbounded | {i.WithoutPerSecond:N0} | {i.WithPerSecond:N0} | {i.Ratio:F2} | {i.ValuesPerSecond:N0} | {i.BacklogAfter:N0} | {Seconds(i.DrainSeconds)} |");
        }
        text.AppendLine(c, $"| ack=durable, PostgreSQL stopped | | {Outage.PerSecond:N0} | {Outage.PerSecond / Durable.WithoutPerSecond:F2} | 0 ({Outage.Dropped:N0} dropped) | {Outage.BacklogAfter:N0} | {Seconds(Outage.DrainSeconds)} after restart |");
        text.AppendLine();
        text.AppendLine("| ingest held at | achieved updates/s | values into PostgreSQL/s | most backlog | backlog at end | drained in |");
        text.AppendLine("|---|---|---|---|---|---|");
        text.AppendLine(c, $"| {AtRate.TargetPerSecond:N0}/s (ack=accepted) | {AtRate.AchievedPerSecond:N0} | {AtRate.ValuesPerSecond:N0} | {AtRate.MaxBacklog:N0} | {AtRate.BacklogAfter:N0} | {Seconds(AtRate.DrainSeconds)} |");
        text.AppendLine();
        text.AppendLine(c, $"store: {Disk.Rows:N0} readings ({Fill.Readings:N0} generated in {Fill.Seconds:F0} s, {Fill.ReadingsPerSecond:N0}/s by COPY), " +
            $"{Disk.BytesPerReading:F1} bytes per reading on disk (heap {Disk.HeapBytes / 1048576.0:N0} MiB, indexes {Disk.IndexBytes / 1048576.0:N0} MiB); " +
            $"{Fill.NodeHours:N0} node hours, {Fill.NodeMinutes:N0} node minutes");
        text.AppendLine();
        text.AppendLine("| query (through the gateway) | p50 ms | p99 ms | max ms | samples | failed | points per answer | p99 target | met |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < Queries.Length; i++)
        {
            var q = Queries[i];
            var target = i < P99TargetsMs.Length ? P99TargetsMs[i] : double.NaN;
            text.AppendLine(c, $"| {q.Query} | {q.P50Ms:F1} | {q.P99Ms:F1} | {q.MaxMs:F0} | {q.Samples} | {q.Failed} | {q.MeanPoints:N0} | <= {target:N0} | {(q.P99Ms <= target ? "yes" : "no")} |");
        }
        return text.ToString();
    }

    private static string Seconds(double? s) => s is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:F1} s") : "not within the deadline";
}
