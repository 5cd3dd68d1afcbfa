using Npgsql;

namespace UrbanTwin.History.Schema;

/// <summary>
/// The history store's schema as numbered migrations, applied in order at start-up by whichever process comes first:
/// under a transaction-scoped advisory lock, so silos and gateways starting together apply each once, and recorded
/// in <c>history_migrations</c>, so applying them again does nothing. A migration is never edited once released: a
/// change is a new one.
/// </summary>
public static class HistorySchema
{
    /// <summary>The advisory lock every schema change (migrations, partitions) takes: one at a time across the cluster.</summary>
    public const long SchemaLock = 0x5554_4869_7374; // "UTHist"

    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> Migrations =
    [
        (1, "readings, node roll-ups, names and cursors",
            """
            -- Asset and metric names as integers: a reading's row is then 48 bytes, not 80.
            CREATE TABLE history_names (
                id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                scope smallint NOT NULL, -- 1 asset, 2 metric, 3 node
                name text NOT NULL,
                UNIQUE (scope, name));

            -- One row per metric of a reading, in daily partitions (dropped whole for retention). The btree serves
            -- one asset's metric over a range; a day's partition is found by its bounds.
            CREATE TABLE readings (
                ts timestamptz NOT NULL,
                asset integer NOT NULL,
                metric integer NOT NULL,
                value real NOT NULL) PARTITION BY RANGE (ts);
            CREATE INDEX readings_asset_metric_ts ON readings (asset, metric, ts);

            -- A node's aggregates over one minute, one row per node and minute: v[i] is the minute's mean of the
            -- series at position i of NodeSeries.Names (append-only), NULL when the node had no value.
            CREATE TABLE node_minutes (
                ts timestamptz NOT NULL,
                node integer NOT NULL,
                v real[] NOT NULL) PARTITION BY RANGE (ts);
            CREATE INDEX node_minutes_node_ts ON node_minutes (node, ts);

            -- The same by hour, kept longer: the mean, least, greatest and last of the hour's minutes, per series,
            -- and how many minutes it had (to merge it with minutes not yet here, and to weigh it in a day).
            CREATE TABLE node_hours (
                ts timestamptz NOT NULL,
                node integer NOT NULL,
                minutes integer NOT NULL,
                avg real[] NOT NULL,
                min real[] NOT NULL,
                max real[] NOT NULL,
                last real[] NOT NULL,
                PRIMARY KEY (node, ts));

            -- Per partition of the reading log, the last entry whose rows are committed here (written in the same
            -- transaction as the rows): an entry handed out again after a crash is recognised and not written twice.
            CREATE TABLE history_cursors (
                partition smallint PRIMARY KEY,
                position text NOT NULL);
            """),
        (2, "alarm episodes",
            """
            -- Every alarm episode as its latest change left it (from the event log's alarm events): kept after the
            -- asset has forgotten it, found by the time it was active. record is the AlarmRecord as JSON.
            CREATE TABLE alarm_episodes (
                id text PRIMARY KEY,
                asset_id text NOT NULL,
                node_id text NOT NULL,
                raised_at timestamptz NOT NULL,
                cleared_at timestamptz,
                version bigint NOT NULL,
                step integer NOT NULL, -- the change's number within its version (one call can raise and clear)
                record jsonb NOT NULL);
            CREATE INDEX alarm_episodes_raised ON alarm_episodes (raised_at DESC, id DESC);
            """),
        (3, "readings' values in their index",
            """
            -- A series' range read from the index alone (an index-only scan: autovacuum marks an insert-only table's
            -- pages all-visible), not from heap pages that live ingest scatters by time, one value per page: with 100
            -- million readings an asset's 24 h took 17 ms at p50 and 58 ms at p99 that way (docs/benchmarks.md).
            -- Building it rewrites every partition's index once, under the schema lock, when this version starts.
            CREATE INDEX readings_series ON readings (asset, metric, ts) INCLUDE (value);
            DROP INDEX readings_asset_metric_ts;
            """),
    ];

    /// <summary>Applies the migrations this database has not had yet; the versions applied now.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource database, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_xact_lock({SchemaLock})", cancellationToken);
        await Execute(connection, "CREATE TABLE IF NOT EXISTS history_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken);
        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM history_migrations", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }
        var now = new List<int>();
        foreach (var (version, name, sql) in Migrations.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            await Execute(connection, sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO history_migrations (version, name) VALUES ($1, $2)", connection);
            record.Parameters.Add(new NpgsqlParameter { Value = version });
            record.Parameters.Add(new NpgsqlParameter { Value = name });
            await record.ExecuteNonQueryAsync(cancellationToken);
            now.Add(version);
        }
        await transaction.CommitAsync(cancellationToken);
        return now;
    }

    internal static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
