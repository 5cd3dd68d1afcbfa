using Npgsql;
using UrbanTwin.History.Schema;

namespace UrbanTwin.History;

/// <summary>
/// The PostgreSQL history store of this process, when <c>ConnectionStrings:History</c> is set: one connection pool and
/// the writer, queries and partitions over it. The schema is brought up to date once, on first use (and again after a
/// failure, so a store that was down at start-up is migrated when it comes).
/// </summary>
public sealed class HistoryStore : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task? _migrated;

    public HistoryStore(string connectionString)
    {
        Database = NpgsqlDataSource.Create(connectionString);
        Names = new HistoryNames(Database);
        Partitions = new Partitions(Database);
        Writer = new HistoryWriter(Database, Names, Partitions);
        Queries = new HistoryQueries(Database, Names);
        Alarms = new AlarmEpisodes(Database);
    }

    public NpgsqlDataSource Database { get; }
    public HistoryNames Names { get; }
    public Partitions Partitions { get; }
    public HistoryWriter Writer { get; }
    public HistoryQueries Queries { get; }
    public AlarmEpisodes Alarms { get; }

    /// <summary>Completes once the schema is up to date; fails (and is tried again on the next call) while the store cannot be reached.</summary>
    public Task ReadyAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_migrated is null || _migrated.IsFaulted || _migrated.IsCanceled)
            {
                // Shared by every caller, so not bound to one caller's token: a health check's short deadline must
                // not cancel the migration the writers are waiting for.
                _migrated = HistorySchema.MigrateAsync(Database, CancellationToken.None);
            }
            return _migrated.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Creates the partitions of today and the next two days; drops what is older than the retentions. The partitions dropped.</summary>
    public async Task<IReadOnlyList<string>> MaintainAsync(DateTimeOffset now, TimeSpan retention, TimeSpan rollupRetention,
        CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await Partitions.EnsureAsync([today, today.AddDays(1), today.AddDays(2)], cancellationToken);
        var dropped = new List<string>();
        foreach (var table in Schema.Partitions.Tables)
        {
            dropped.AddRange(await Partitions.DropBeforeAsync(table, now - retention, cancellationToken));
        }
        await using var command = Database.CreateCommand("DELETE FROM node_hours WHERE ts < $1");
        command.Parameters.Add(Sql.Arg((now - rollupRetention).UtcDateTime));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return dropped;
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
