using Npgsql;
using NpgsqlTypes;
using UrbanTwin.Domain.History;
using UrbanTwin.EventLog;
using UrbanTwin.EventLog.Readings;
using UrbanTwin.History.Schema;

namespace UrbanTwin.History;

/// <summary>What one write put in the store.</summary>
/// <param name="Values">Asset metric values written (a reading of two metrics is two).</param>
/// <param name="NodeMinutes">Node minute rows written.</param>
/// <param name="Expired">Values older than the retention: not written (their partition is, or is about to be, dropped).</param>
/// <param name="Undecodable">Log entries whose rows could not be read (not written, logged).</param>
/// <param name="AlreadyWritten">Log entries at or before the partition's cursor: committed before (a crash between commit and acknowledgement), skipped.</param>
public readonly record struct WriteResult(int Values, int NodeMinutes, int Expired, int Undecodable, int AlreadyWritten);

/// <summary>
/// Writes reading-log entries into PostgreSQL: every value of an entry's rows by binary <c>COPY</c>, node minutes
/// likewise, their hours recomputed, and the partition's cursor moved to the last entry, all in one transaction. So
/// an entry is in the store exactly when the cursor is at or past it, and an entry handed out again after a crash
/// (the log keeps it until acknowledged) is recognised and skipped: written once. The cursor's row is locked for the
/// transaction, so even two writers of one partition (a grain activation and its successor, briefly) cannot both write
/// an entry.
/// </summary>
public sealed class HistoryWriter(NpgsqlDataSource database, HistoryNames names, Partitions partitions)
{
    /// <summary>Writes the entries (in log order) newer than the partition's cursor, with values at or after <paramref name="horizon"/>.</summary>
    public async Task<WriteResult> WriteAsync(int partition, IReadOnlyList<ReadingEntry> entries, DateTimeOffset horizon, CancellationToken cancellationToken = default)
    {
        var (assetValues, nodeValues, expired, undecodable) = Decode(entries, horizon);
        var assets = await names.ResolveAsync(NameScope.Asset, assetValues.Select(v => v.Subject), cancellationToken);
        var metrics = await names.ResolveAsync(NameScope.Metric, assetValues.Select(v => v.Name), cancellationToken);
        var nodes = await names.ResolveAsync(NameScope.Node, nodeValues.Select(v => v.Subject), cancellationToken);
        await partitions.EnsureAsync(assetValues.Concat(nodeValues).Select(v => DateOnly.FromDateTime(v.Ts.UtcDateTime)), cancellationToken);

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var cursor = await LockCursorAsync(connection, partition, cancellationToken);
        var skipped = entries.Count(e => cursor is { } at && StreamId.Parse(e.Position).CompareTo(at) <= 0);
        if (skipped == entries.Count)
        {
            return new WriteResult(0, 0, 0, 0, skipped);
        }
        if (skipped > 0)
        {
            // Some were committed before: decode only the rest (rare: only after a crash between commit and acknowledgement).
            (assetValues, nodeValues, expired, undecodable) = Decode(entries.Skip(skipped).ToList(), horizon);
        }
        var minutes = NodeMinutes(nodeValues, nodes);
        if (assetValues.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync("COPY readings (ts, asset, metric, value) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var value in assetValues)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(value.Ts.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(assets[value.Subject], NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(metrics[value.Name], NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync((float)value.Value, NpgsqlDbType.Real, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        if (minutes.Count > 0)
        {
            await using (var copy = await connection.BeginBinaryImportAsync("COPY node_minutes (ts, node, v) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var (ts, node, series) in minutes)
                {
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(ts.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                    await copy.WriteAsync(node, NpgsqlDbType.Integer, cancellationToken);
                    await copy.WriteAsync(series, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken);
                }
                await copy.CompleteAsync(cancellationToken);
            }
            await RollUpHoursAsync(connection, minutes, cancellationToken);
        }
        await using (var move = new NpgsqlCommand("UPDATE history_cursors SET position = $2 WHERE partition = $1", connection))
        {
            move.Parameters.Add(Sql.Arg((short)partition));
            move.Parameters.Add(Sql.Arg(entries[^1].Position));
            await move.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new WriteResult(assetValues.Count, minutes.Count, expired, undecodable, skipped);
    }

    /// <summary>The partition's cursor, its row locked until the transaction ends (created, empty, the first time).</summary>
    private static async Task<StreamId?> LockCursorAsync(NpgsqlConnection connection, int partition, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand("INSERT INTO history_cursors (partition, position) VALUES ($1, '') ON CONFLICT (partition) DO NOTHING", connection))
        {
            create.Parameters.Add(Sql.Arg((short)partition));
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var select = new NpgsqlCommand("SELECT position FROM history_cursors WHERE partition = $1 FOR UPDATE", connection);
        select.Parameters.Add(Sql.Arg((short)partition));
        return await select.ExecuteScalarAsync(cancellationToken) is string { Length: > 0 } position ? StreamId.Parse(position) : null;
    }

    private static (List<HistoryValue> Assets, List<HistoryValue> Nodes, int Expired, int Undecodable) Decode(IReadOnlyList<ReadingEntry> entries,
        DateTimeOffset horizon)
    {
        var assetValues = new List<HistoryValue>();
        var nodeValues = new List<HistoryValue>();
        int expired = 0, undecodable = 0;
        foreach (var entry in entries)
        {
            List<HistoryValue> values;
            try
            {
                values = HistoryRows.Decode(entry.Rows.Span);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException)
            {
                undecodable++;
                continue;
            }
            foreach (var value in values)
            {
                if (value.Ts < horizon)
                {
                    expired++;
                }
                else if (value.Kind == HistoryRowKind.Asset)
                {
                    assetValues.Add(value);
                }
                else
                {
                    nodeValues.Add(value);
                }
            }
        }
        return (assetValues, nodeValues, expired, undecodable);
    }

    /// <summary>Node values as minute rows: per node and minute, the series by their position in <see cref="NodeSeries.Names"/>.</summary>
    private static List<(DateTimeOffset Ts, int Node, float?[] Series)> NodeMinutes(List<HistoryValue> values, Dictionary<string, int> nodes) =>
        [.. values.GroupBy(v => (v.Ts, v.Subject)).Select(minute =>
        {
            var series = new float?[NodeSeries.Names.Length];
            foreach (var value in minute)
            {
                if (Array.IndexOf(NodeSeries.Names, value.Name) is >= 0 and var i && double.IsFinite(value.Value))
                {
                    series[i] = (float)value.Value;
                }
            }
            return (minute.Key.Ts, nodes[minute.Key.Subject], series);
        })];

    /// <summary>Recomputes the hours the new minutes fall in from all their minutes (a late minute corrects its hour).</summary>
    private static async Task RollUpHoursAsync(NpgsqlConnection connection, List<(DateTimeOffset Ts, int Node, float?[] Series)> minutes,
        CancellationToken cancellationToken)
    {
        var hours = minutes.Select(m => (m.Node, Hour: SeriesBucket.Start(m.Ts, TimeSpan.FromHours(1)))).Distinct().ToList();
        await using var command = new NpgsqlCommand(
            """
            WITH affected AS (SELECT * FROM unnest($1::integer[], $2::timestamptz[]) AS a(node, hour)),
            per_series AS (
                SELECT a.hour, a.node, u.i, avg(u.v)::real AS avg, min(u.v) AS min, max(u.v) AS max,
                       (array_agg(u.v ORDER BY m.ts DESC) FILTER (WHERE u.v IS NOT NULL))[1] AS last,
                       count(DISTINCT m.ts) AS minutes
                FROM affected a
                JOIN node_minutes m ON m.node = a.node AND m.ts >= a.hour AND m.ts < a.hour + interval '1 hour'
                CROSS JOIN LATERAL unnest(m.v) WITH ORDINALITY AS u(v, i)
                GROUP BY a.hour, a.node, u.i)
            INSERT INTO node_hours (ts, node, minutes, avg, min, max, last)
            SELECT hour, node, max(minutes), array_agg(avg ORDER BY i), array_agg(min ORDER BY i), array_agg(max ORDER BY i), array_agg(last ORDER BY i)
            FROM per_series GROUP BY hour, node
            ON CONFLICT (node, ts) DO UPDATE SET minutes = EXCLUDED.minutes, avg = EXCLUDED.avg, min = EXCLUDED.min, max = EXCLUDED.max, last = EXCLUDED.last
            """, connection);
        command.Parameters.Add(Sql.Arg(hours.Select(h => h.Node).ToArray()));
        command.Parameters.Add(Sql.Arg(hours.Select(h => h.Hour.UtcDateTime).ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
