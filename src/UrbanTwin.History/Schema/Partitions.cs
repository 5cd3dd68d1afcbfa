using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;

namespace UrbanTwin.History.Schema;

/// <summary>
/// The daily partitions of <c>readings</c> and <c>node_minutes</c> (<c>readings_20261202</c> holds that UTC day):
/// created ahead of the rows that need them, and dropped whole once older than their retention, which costs neither a
/// scan nor a vacuum. Schema changes take <see cref="HistorySchema.SchemaLock"/>, so several writers never race.
/// </summary>
public sealed class Partitions(NpgsqlDataSource database)
{
    public static readonly string[] Tables = ["readings", "node_minutes"];

    private readonly ConcurrentDictionary<DateOnly, bool> _known = new();

    public static string Name(string table, DateOnly day) => $"{table}_{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    /// <summary>Makes sure every table has the partitions of <paramref name="days"/>.</summary>
    public async Task EnsureAsync(IEnumerable<DateOnly> days, CancellationToken cancellationToken = default)
    {
        var missing = days.Distinct().Where(d => !_known.ContainsKey(d)).Order().ToList();
        if (missing.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await HistorySchema.Execute(connection, $"SELECT pg_advisory_xact_lock({HistorySchema.SchemaLock})", cancellationToken);
        foreach (var day in missing)
        {
            foreach (var table in Tables)
            {
                await HistorySchema.Execute(connection,
                    $"CREATE TABLE IF NOT EXISTS {Name(table, day)} PARTITION OF {table} FOR VALUES FROM ('{Start(day)}') TO ('{Start(day.AddDays(1))}')",
                    cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        foreach (var day in missing)
        {
            _known[day] = true;
        }
    }

    /// <summary>Drops the partitions of <paramref name="table"/> for days wholly before <paramref name="horizon"/>; the partitions dropped.</summary>
    public async Task<IReadOnlyList<string>> DropBeforeAsync(string table, DateTimeOffset horizon, CancellationToken cancellationToken = default)
    {
        var lastDay = DateOnly.FromDateTime(horizon.UtcDateTime).AddDays(-1);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await HistorySchema.Execute(connection, $"SELECT pg_advisory_xact_lock({HistorySchema.SchemaLock})", cancellationToken);
        var names = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1", connection))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = table });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }
        var dropped = new List<string>();
        foreach (var name in names)
        {
            if (DateOnly.TryParseExact(name[(table.Length + 1)..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day <= lastDay)
            {
                await HistorySchema.Execute(connection, $"DROP TABLE {name}", cancellationToken);
                _known.TryRemove(day, out _);
                dropped.Add(name);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return dropped;
    }

    private static string Start(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";
}
