using Npgsql;
using UrbanTwin.Domain.History;

namespace UrbanTwin.History;

/// <summary>
/// A series as the store has it: buckets of the step (or raw points, each a bucket of one), oldest first, and the time
/// of the newest value the store holds for the series in the range (memory fills in what is newer).
/// </summary>
public sealed record StoredSeries(List<SeriesBucket> Buckets, DateTimeOffset? StoredUpTo, bool Truncated);

/// <summary>The reads behind the history API: an asset's metric from <c>readings</c>, a node's series from its minutes or hours.</summary>
public sealed class HistoryQueries(NpgsqlDataSource database, HistoryNames names)
{
    /// <summary>
    /// An asset's <paramref name="metric"/> between two times, raw (<paramref name="step"/> null) or in buckets of the
    /// step; at most <paramref name="maxPoints"/> (more: <see cref="StoredSeries.Truncated"/>).
    /// </summary>
    public async Task<StoredSeries> AssetAsync(string assetId, string metric, DateTimeOffset from, DateTimeOffset to, TimeSpan? step, int maxPoints,
        CancellationToken cancellationToken = default)
    {
        if (await names.FindAsync(NameScope.Asset, assetId, cancellationToken) is not { } asset
            || await names.FindAsync(NameScope.Metric, metric, cancellationToken) is not { } metricId)
        {
            return new StoredSeries([], null, false);
        }
        const string range = "FROM readings WHERE asset = $1 AND metric = $2 AND ts >= $3 AND ts <= $4";
        var sql = step is null
            ? $"SELECT ts, value::float8, 1::bigint, value::float8, value::float8, value::float8, ts {range} ORDER BY ts LIMIT $5"
            : $"""
               SELECT date_bin($6, ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, sum(value)::float8, count(*), min(value)::float8, max(value)::float8,
                      (array_agg(value ORDER BY ts DESC))[1]::float8, max(ts)
               {range} GROUP BY bucket ORDER BY bucket LIMIT $5
               """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = BucketCommand(connection, sql, asset, metricId, from, to, maxPoints, step);
        var buckets = await ReadBucketsAsync(command, cancellationToken);
        var newest = await ScalarTimeAsync(connection, $"SELECT max(ts) {range}", [asset, metricId], from, to, cancellationToken);
        return Trimmed(buckets, newest, maxPoints);
    }

    /// <summary>
    /// A node's series (by its position in <see cref="NodeSeries.Names"/>) in buckets of <paramref name="step"/>: from
    /// its minutes for steps under an hour, from its hours otherwise.
    /// </summary>
    public async Task<StoredSeries> NodeAsync(string nodeId, string series, DateTimeOffset from, DateTimeOffset to, TimeSpan step, int maxPoints,
        CancellationToken cancellationToken = default)
    {
        var position = Array.IndexOf(NodeSeries.Names, series) + 1; // SQL arrays count from 1
        if (position == 0 || await names.FindAsync(NameScope.Node, nodeId, cancellationToken) is not { } node)
        {
            return new StoredSeries([], null, false);
        }
        var sql = step < TimeSpan.FromHours(1)
            ? """
              SELECT date_bin($6, ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, sum(v[$2])::float8, count(v[$2]), min(v[$2])::float8, max(v[$2])::float8,
                     (array_agg(v[$2] ORDER BY ts DESC) FILTER (WHERE v[$2] IS NOT NULL))[1]::float8, max(ts) FILTER (WHERE v[$2] IS NOT NULL)
              FROM node_minutes WHERE node = $1 AND ts >= $3 AND ts <= $4 AND v[$2] IS NOT NULL GROUP BY bucket ORDER BY bucket LIMIT $5
              """
            : """
              SELECT date_bin($6, ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, sum(avg[$2] * minutes)::float8, sum(minutes)::bigint,
                     min(min[$2])::float8, max(max[$2])::float8, (array_agg(last[$2] ORDER BY ts DESC))[1]::float8, max(ts) + interval '59 minutes'
              FROM node_hours WHERE node = $1 AND ts >= date_trunc('hour', $3) AND ts <= $4 AND avg[$2] IS NOT NULL GROUP BY bucket ORDER BY bucket LIMIT $5
              """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = BucketCommand(connection, sql, node, position, from, to, maxPoints, step);
        var buckets = await ReadBucketsAsync(command, cancellationToken);
        var newest = await ScalarTimeAsync(connection, "SELECT max(ts) FROM node_minutes WHERE node = $1 AND ts >= $2 AND ts <= $3", [node], from, to,
            cancellationToken);
        return Trimmed(buckets, newest, maxPoints);
    }

    /// <summary>The bucket queries' parameters: $1 subject, $2 series, $3 from, $4 to, $5 the row limit (one more than wanted), $6 the step (when bucketed).</summary>
    private static NpgsqlCommand BucketCommand(NpgsqlConnection connection, string sql, int subject, int series, DateTimeOffset from, DateTimeOffset to,
        int maxPoints, TimeSpan? step)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(Sql.Arg(subject));
        command.Parameters.Add(Sql.Arg(series));
        command.Parameters.Add(Sql.Arg(from.UtcDateTime));
        command.Parameters.Add(Sql.Arg(to.UtcDateTime));
        command.Parameters.Add(Sql.Arg((long)maxPoints + 1));
        if (step is { } width)
        {
            command.Parameters.Add(Sql.Arg(width));
        }
        return command;
    }

    private static StoredSeries Trimmed(List<SeriesBucket> buckets, DateTimeOffset? newest, int maxPoints) =>
        buckets.Count > maxPoints ? new StoredSeries(buckets[..maxPoints], newest, true) : new StoredSeries(buckets, newest, false);

    private static async Task<List<SeriesBucket>> ReadBucketsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var buckets = new List<SeriesBucket>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            buckets.Add(new SeriesBucket(Utc(reader.GetDateTime(0)), reader.GetDouble(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4),
                reader.GetDouble(5), Utc(reader.GetDateTime(6))));
        }
        return buckets;
    }

    private static async Task<DateTimeOffset?> ScalarTimeAsync(NpgsqlConnection connection, string sql, int[] ids, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var id in ids)
        {
            command.Parameters.Add(Sql.Arg(id));
        }
        command.Parameters.Add(Sql.Arg(from.UtcDateTime));
        command.Parameters.Add(Sql.Arg(to.UtcDateTime));
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime newest ? Utc(newest) : null;
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
