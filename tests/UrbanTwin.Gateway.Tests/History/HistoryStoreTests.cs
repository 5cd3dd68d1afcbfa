using Npgsql;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Domain.History;
using UrbanTwin.EventLog.Readings;
using UrbanTwin.History;
using UrbanTwin.History.Schema;

namespace UrbanTwin.Gateway.Tests.History;

/// <summary>The PostgreSQL history store against a real server: schema, writer (COPY, cursor), partitions, retention and queries.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HistoryStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Horizon = T0.AddDays(-90);
    private HistoryStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new HistoryStore(await postgres.CreateDatabaseAsync());
        await _store.ReadyAsync();
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Migrations_applied_by_several_processes_at_once_are_applied_once()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connection)).ToList();
        var applied = await Task.WhenAll(stores.Select(s => HistorySchema.MigrateAsync(s)));
        Assert.Equal(HistorySchema.Migrations.Select(m => m.Version), applied.SelectMany(a => a).Order());
        Assert.Empty(await HistorySchema.MigrateAsync(stores[0]));
        Assert.Equal((long)HistorySchema.Migrations.Count, await Scalar<long>(stores[0], "SELECT count(*) FROM history_migrations"));
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Entries_are_written_once_even_when_handed_out_again_after_a_crash()
    {
        var first = new[] { Entry(0, "1000-0", ("pipe-a", T0, 0.31)), Entry(0, "1001-0", ("pipe-a", T0.AddSeconds(1), 0.32)) };
        var result = await _store.Writer.WriteAsync(0, first, Horizon);
        Assert.Equal((2, 0), (result.Values, result.AlreadyWritten));

        // The log hands the same two out again (they were never acknowledged), with one new one.
        var again = await _store.Writer.WriteAsync(0, [.. first, Entry(0, "1002-0", ("pipe-a", T0.AddSeconds(2), 0.33))], Horizon);
        Assert.Equal((1, 2), (again.Values, again.AlreadyWritten));
        // Another partition has a cursor of its own.
        Assert.Equal(1, (await _store.Writer.WriteAsync(1, [Entry(1, "1000-0", ("pipe-b", T0, 1.0))], Horizon)).Values);

        var series = await _store.Queries.AssetAsync("pipe-a", "pressure", T0.AddMinutes(-1), T0.AddMinutes(1), step: null, maxPoints: 100);
        Assert.Equal([0.31, 0.32, 0.33], series.Buckets.Select(b => Math.Round(b.Last, 5)));
        Assert.Equal(T0.AddSeconds(2), series.StoredUpTo);
        Assert.Equal(4L, await Scalar<long>(_store.Database, "SELECT count(*) FROM readings"));
    }

    [Fact]
    public async Task Values_older_than_the_retention_are_not_written_and_are_counted()
    {
        var result = await _store.Writer.WriteAsync(2, [Entry(2, "2000-0", ("pipe-c", Horizon.AddSeconds(-1), 1.0), ("pipe-c", Horizon.AddSeconds(1), 2.0))], Horizon);
        Assert.Equal((1, 1), (result.Values, result.Expired));
    }

    [Fact]
    public async Task Undecodable_entries_are_skipped_and_counted_and_the_rest_written()
    {
        var garbage = new ReadingEntry(3, "3000-0", 1, new byte[] { 9, 9, 9 });
        var result = await _store.Writer.WriteAsync(3, [garbage, Entry(3, "3001-0", ("pipe-d", T0, 5.0))], Horizon);
        Assert.Equal((1, 1), (result.Values, result.Undecodable));
    }

    [Fact]
    public async Task Buckets_sum_up_each_step_by_the_aggregate_asked_for()
    {
        // 0, 1, 2 … 119 one per 30 s: two per minute, an hour in all.
        var values = Enumerable.Range(0, 120).Select(i => ("pipe-e", T0.AddSeconds(30 * i), (double)i)).ToArray();
        await _store.Writer.WriteAsync(4, [Entry(4, "4000-0", values)], Horizon);

        var minutes = await _store.Queries.AssetAsync("pipe-e", "pressure", T0, T0.AddHours(1), TimeSpan.FromMinutes(1), 1000);
        Assert.Equal(60, minutes.Buckets.Count);
        Assert.Equal((T0.AddMinutes(1), 2.5, 2.0, 3.0, 3.0), (minutes.Buckets[1].Ts, minutes.Buckets[1].Value(HistoryAggregate.Avg),
            minutes.Buckets[1].Value(HistoryAggregate.Min), minutes.Buckets[1].Value(HistoryAggregate.Max), minutes.Buckets[1].Value(HistoryAggregate.Last)));
        var hour = await _store.Queries.AssetAsync("pipe-e", "pressure", T0, T0.AddHours(1), TimeSpan.FromHours(1), 1000);
        Assert.Equal((T0, 120L, 59.5), (hour.Buckets.Single().Ts, hour.Buckets.Single().Count, hour.Buckets.Single().Value(HistoryAggregate.Avg)));

        var truncated = await _store.Queries.AssetAsync("pipe-e", "pressure", T0, T0.AddHours(1), step: null, maxPoints: 100);
        Assert.True(truncated.Truncated);
        Assert.Equal(100, truncated.Buckets.Count);
        Assert.Empty((await _store.Queries.AssetAsync("no-such-asset", "pressure", T0, T0.AddHours(1), null, 100)).Buckets);
    }

    [Fact]
    public async Task A_series_range_is_read_from_the_index_alone()
    {
        // Live ingest lays values down by time, so one asset's values sit on scattered heap pages; the index holds them.
        var values = Enumerable.Range(0, 50).SelectMany(t => Enumerable.Range(0, 40).Select(a => ($"pipe-i{a}", T0.AddSeconds(t), (double)t))).ToArray();
        await _store.Writer.WriteAsync(7, [Entry(7, "7000-0", values)], Horizon);
        await using (var vacuum = _store.Database.CreateCommand("VACUUM ANALYZE readings"))
        {
            await vacuum.ExecuteNonQueryAsync();
        }
        await using var connection = await _store.Database.OpenConnectionAsync();
        await using (var planner = new NpgsqlCommand("SET enable_seqscan = off; SET enable_bitmapscan = off", connection))
        {
            await planner.ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand(
            "EXPLAIN SELECT ts, value FROM readings WHERE asset = (SELECT id FROM history_names WHERE scope = 1 AND name = 'pipe-i7') " +
            "AND metric = (SELECT id FROM history_names WHERE scope = 2 AND name = 'pressure') AND ts >= $1 AND ts <= $2 ORDER BY ts", connection);
        explain.Parameters.Add(new NpgsqlParameter { Value = T0.UtcDateTime });
        explain.Parameters.Add(new NpgsqlParameter { Value = T0.AddMinutes(1).UtcDateTime });
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }
        Assert.Contains(plan, line => line.Contains("Index Only Scan using readings_", StringComparison.Ordinal));
        Assert.Equal(50, (await _store.Queries.AssetAsync("pipe-i7", "pressure", T0, T0.AddMinutes(1), step: null, maxPoints: 100)).Buckets.Count);
    }

    [Fact]
    public async Task Node_minutes_roll_up_into_hours_and_days()
    {
        // Two hours of a district's minutes: activeAlarms is the minute number in the hour, aqi constant.
        var rows = new HistoryRows();
        for (var m = 0; m < 120; m++)
        {
            rows.Add(HistoryRowKind.Node, "district-x", T0.AddMinutes(m), new Dictionary<string, double> { ["activeAlarms"] = m % 60, ["aqi"] = 50 });
        }
        var result = await _store.Writer.WriteAsync(5, [new ReadingEntry(5, "5000-0", rows.Count, rows.Bytes)], Horizon);
        Assert.Equal(120, result.NodeMinutes);

        var minutes = await _store.Queries.NodeAsync("district-x", "activeAlarms", T0, T0.AddHours(2), TimeSpan.FromMinutes(1), 1000);
        Assert.Equal(120, minutes.Buckets.Count);
        Assert.Equal(T0.AddMinutes(119), minutes.StoredUpTo);
        var hours = await _store.Queries.NodeAsync("district-x", "activeAlarms", T0, T0.AddHours(2), TimeSpan.FromHours(1), 1000);
        Assert.Equal([(T0, 29.5, 0.0, 59.0, 59.0), (T0.AddHours(1), 29.5, 0.0, 59.0, 59.0)], hours.Buckets.Select(b =>
            (b.Ts, b.Value(HistoryAggregate.Avg), b.Value(HistoryAggregate.Min), b.Value(HistoryAggregate.Max), b.Value(HistoryAggregate.Last))));
        var day = await _store.Queries.NodeAsync("district-x", "aqi", T0.AddHours(-10), T0.AddHours(2), TimeSpan.FromDays(1), 1000);
        Assert.Equal((50.0, 120L), (day.Buckets.Single().Value(HistoryAggregate.Avg), day.Buckets.Single().Count));
        Assert.Empty((await _store.Queries.NodeAsync("district-x", "assets.alarm", T0, T0.AddHours(2), TimeSpan.FromHours(1), 1000)).Buckets);
    }

    [Fact]
    public async Task Retention_drops_whole_days_and_keeps_partitions_ahead()
    {
        var now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        var old = now.AddDays(-10);
        await _store.Writer.WriteAsync(6, [Entry(6, "6000-0", ("pipe-f", old, 1.0), ("pipe-f", now.AddHours(-1), 2.0))], now.AddDays(-90));

        var dropped = await _store.MaintainAsync(now, retention: TimeSpan.FromDays(5), rollupRetention: TimeSpan.FromDays(5));

        Assert.Contains(Partitions.Name("readings", DateOnly.FromDateTime(old.UtcDateTime)), dropped);
        Assert.Equal(1L, await Scalar<long>(_store.Database, "SELECT count(*) FROM readings"));
        var partitions = await Scalar<long>(_store.Database,
            $"SELECT count(*) FROM pg_class WHERE relname IN ('{Partitions.Name("readings", new DateOnly(2026, 12, 3))}', '{Partitions.Name("readings", new DateOnly(2026, 12, 4))}')");
        Assert.Equal(2, partitions);
    }

    private static ReadingEntry Entry(int partition, string position, params (string Asset, DateTimeOffset Ts, double Value)[] readings)
    {
        var rows = new HistoryRows();
        foreach (var (asset, ts, value) in readings)
        {
            rows.Add(HistoryRowKind.Asset, asset, ts, [new MetricSample("pressure", value)]);
        }
        return new ReadingEntry(partition, position, rows.Count, rows.Bytes.ToArray());
    }

    private static async Task<T> Scalar<T>(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
