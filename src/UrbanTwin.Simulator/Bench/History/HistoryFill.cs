using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Demo;
using UrbanTwin.Domain.History;
using UrbanTwin.History;

namespace UrbanTwin.Simulator.Bench.History;

/// <param name="Readings">Reading values written (one per metric of a reading).</param>
/// <param name="From">The oldest reading's minute; the newest is the minute before the fill began.</param>
/// <param name="NodeHours">Node hour rows written (a year of every node).</param>
/// <param name="NodeMinutes">Node minute rows written (the last two days of every node).</param>
public sealed record FillResult(long Readings, DateTimeOffset From, DateTimeOffset To, long NodeHours, long NodeMinutes, double Seconds)
{
    public double ReadingsPerSecond => Readings / Seconds;
}

/// <summary>
/// Fills a history store with synthetic history, by binary <c>COPY</c> as the writers do: a reading of every demo asset
/// every minute, ending now, for as many minutes as it takes to reach the number of values asked for, laid down in
/// time order (one minute of every asset, then the next, as live ingest leaves them on disk); a year of every node's
/// hours and two days of its minutes. Values come from the demo feed's normal ranges. Used by <c>bench-history</c>
/// before it times queries: <c>dotnet run -c Release --project src/UrbanTwin.Simulator -- bench-history</c>.
/// </summary>
public static class HistoryFill
{
    /// <summary>Rows per COPY: a transaction of its own, so the fill shows progress and a failure loses little.</summary>
    private const int MinutesPerCopy = 30;

    public static async Task<FillResult> RunAsync(HistoryStore store, IReadOnlyList<AssetDefinition> assets, IReadOnlyList<NodeDefinition> nodes,
        long values, TextWriter log, CancellationToken cancellationToken = default)
    {
        await store.ReadyAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        var random = new Random(2026);
        var assetIds = await store.Names.ResolveAsync(NameScope.Asset, assets.Select(a => a.Id), cancellationToken);
        var series = assets.Select(a => (Asset: assetIds[a.Id], Samples: Enumerable.Range(0, 8)
            .Select(_ => ReadingGenerator.Generate(a.Kind, random).Select(s => (s.Metric, (float)s.Value)).ToArray()).ToArray())).ToArray();
        var metricIds = await store.Names.ResolveAsync(NameScope.Metric, series.SelectMany(s => s.Samples[0]).Select(m => m.Metric), cancellationToken);
        var perMinute = series.Sum(s => s.Samples[0].Length);
        var minutes = (int)Math.Ceiling(values / (double)perMinute);
        var to = Minute(DateTimeOffset.UtcNow);
        var from = to.AddMinutes(-minutes);
        log.WriteLine($"fill: {assets.Count:N0} assets, {perMinute:N0} values a minute, {minutes:N0} minutes ({from:u} to {to:u}) for {values:N0} values");

        var nodeIds = await store.Names.ResolveAsync(NameScope.Node, nodes.Select(n => n.Id), cancellationToken);
        var yearAgo = to.AddDays(-365);
        await store.Partitions.EnsureAsync(Days(from < to.AddDays(-2) ? from : to.AddDays(-2), to), cancellationToken);

        // Two connections at once, each its own chunks of minutes in time order: the two cores both work.
        var chunks = Enumerable.Range(0, (minutes + MinutesPerCopy - 1) / MinutesPerCopy).ToArray();
        long written = 0;
        var reported = Stopwatch.StartNew();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            var first = chunk * MinutesPerCopy;
            var count = Math.Min(MinutesPerCopy, minutes - first);
            await using var connection = await store.Database.OpenConnectionAsync(ct);
            await using (var copy = await connection.BeginBinaryImportAsync("COPY readings (ts, asset, metric, value) FROM STDIN (FORMAT BINARY)", ct))
            {
                for (var m = first; m < first + count; m++)
                {
                    var ts = from.AddMinutes(m).UtcDateTime;
                    foreach (var (asset, samples) in series)
                    {
                        foreach (var (metric, value) in samples[(m + asset) % samples.Length])
                        {
                            copy.StartRow();
                            copy.Write(ts, NpgsqlDbType.TimestampTz);
                            copy.Write(asset, NpgsqlDbType.Integer);
                            copy.Write(metricIds[metric], NpgsqlDbType.Integer);
                            copy.Write(value, NpgsqlDbType.Real);
                        }
                    }
                }
                await copy.CompleteAsync(ct);
            }
            var total = Interlocked.Add(ref written, (long)count * perMinute);
            lock (reported)
            {
                if (reported.Elapsed > TimeSpan.FromSeconds(30))
                {
                    log.WriteLine($"fill: {total:N0} of {(long)minutes * perMinute:N0} values ({total / clock.Elapsed.TotalSeconds:N0}/s)");
                    reported.Restart();
                }
            }
        });

        var hours = await CopyNodeHoursAsync(store, nodeIds.Values.ToArray(), yearAgo, to, random, cancellationToken);
        var nodeMinutes = await CopyNodeMinutesAsync(store, nodeIds.Values.ToArray(), to.AddDays(-2), to, random, cancellationToken);
        await using (var analyze = store.Database.CreateCommand("ANALYZE readings; ANALYZE node_minutes; ANALYZE node_hours"))
        {
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
        return new FillResult(written, from, to, hours, nodeMinutes, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A year of hours of every node: every series with a plausible mean, least, greatest and last.</summary>
    private static async Task<long> CopyNodeHoursAsync(HistoryStore store, int[] nodes, DateTimeOffset from, DateTimeOffset to, Random random,
        CancellationToken cancellationToken)
    {
        await using var connection = await store.Database.OpenConnectionAsync(cancellationToken);
        await using var copy = await connection.BeginBinaryImportAsync("COPY node_hours (ts, node, minutes, avg, min, max, last) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        long rows = 0;
        for (var hour = SeriesBucket.Start(from, TimeSpan.FromHours(1)); hour < to.AddHours(-1); hour = hour.AddHours(1))
        {
            foreach (var node in nodes)
            {
                var avg = Series(random);
                copy.StartRow();
                copy.Write(hour.UtcDateTime, NpgsqlDbType.TimestampTz);
                copy.Write(node, NpgsqlDbType.Integer);
                copy.Write(60, NpgsqlDbType.Integer);
                copy.Write(avg, NpgsqlDbType.Array | NpgsqlDbType.Real);
                copy.Write(avg.Select(v => v * 0.8f).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Real);
                copy.Write(avg.Select(v => v * 1.2f).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Real);
                copy.Write(avg, NpgsqlDbType.Array | NpgsqlDbType.Real);
                rows++;
            }
        }
        await copy.CompleteAsync(cancellationToken);
        return rows;
    }

    /// <summary>The last days of every node's minutes (what finer node steps read).</summary>
    private static async Task<long> CopyNodeMinutesAsync(HistoryStore store, int[] nodes, DateTimeOffset from, DateTimeOffset to, Random random,
        CancellationToken cancellationToken)
    {
        await using var connection = await store.Database.OpenConnectionAsync(cancellationToken);
        await using var copy = await connection.BeginBinaryImportAsync("COPY node_minutes (ts, node, v) FROM STDIN (FORMAT BINARY)", cancellationToken);
        long rows = 0;
        for (var minute = from; minute < to; minute = minute.AddMinutes(1))
        {
            foreach (var node in nodes)
            {
                copy.StartRow();
                copy.Write(minute.UtcDateTime, NpgsqlDbType.TimestampTz);
                copy.Write(node, NpgsqlDbType.Integer);
                copy.Write(Series(random), NpgsqlDbType.Array | NpgsqlDbType.Real);
                rows++;
            }
        }
        await copy.CompleteAsync(cancellationToken);
        return rows;
    }

    private static float[] Series(Random random) => [.. NodeSeries.Names.Select(_ => (float)Math.Round(random.NextDouble() * 50, 2))];

    private static DateTimeOffset Minute(DateTimeOffset t) => SeriesBucket.Start(t, TimeSpan.FromMinutes(1));

    private static IEnumerable<DateOnly> Days(DateTimeOffset from, DateTimeOffset to)
    {
        for (var day = DateOnly.FromDateTime(from.UtcDateTime); day <= DateOnly.FromDateTime(to.UtcDateTime); day = day.AddDays(1))
        {
            yield return day;
        }
    }
}
