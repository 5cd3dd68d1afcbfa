using Npgsql;
using StackExchange.Redis;
using UrbanTwin.EventLog.Readings;

namespace UrbanTwin.Simulator.Bench.History;

/// <summary>What the history store and the reading log hold, read from PostgreSQL's statistics and Redis' counters.</summary>
public static class StoreCounters
{
    /// <summary>Reading values inserted into the store so far (PostgreSQL's per-table statistics, flushed about every second).</summary>
    public static async Task<long> ReadingsInsertedAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(
            "SELECT coalesce(sum(n_tup_ins), 0)::bigint FROM pg_stat_user_tables WHERE relname LIKE 'readings\\_%'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Rows the reading log holds for the store, over every partition.</summary>
    public static async Task<long> BacklogAsync(IDatabase redis, string serviceId)
    {
        long rows = 0;
        for (var p = 0; p < ReadingStreams.Partitions; p++)
        {
            rows += (long?)await redis.StringGetAsync(ReadingStreams.BacklogKey(serviceId, p)) ?? 0;
        }
        return rows;
    }

    /// <summary>Waits until the reading log is empty; how long that took, or null when it was not by the deadline.</summary>
    public static async Task<TimeSpan?> DrainedAsync(IDatabase redis, string serviceId, TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            if (await BacklogAsync(redis, serviceId) == 0)
            {
                return clock.Elapsed;
            }
            await Task.Delay(200);
        }
        return null;
    }

    /// <summary>The readings table's rows, and its bytes on disk: heap (with TOAST and free space maps) and indexes.</summary>
    public static async Task<(long Rows, long HeapBytes, long IndexBytes)> ReadingsSizeAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(
            """
            SELECT (SELECT count(*) FROM readings),
                   coalesce(sum(pg_table_size(c.oid)), 0)::bigint, coalesce(sum(pg_indexes_size(c.oid)), 0)::bigint
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'readings'
            """);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
