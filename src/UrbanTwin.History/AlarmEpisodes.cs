using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.History;

/// <summary>
/// Alarm episodes in the store, kept from the event log's alarm events (raised, escalated, de-escalated, acknowledged,
/// cleared): each event carries the episode as its change left it, so the store keeps the newest change of each,
/// ordered by the episode's version and the change's number within it (one call of an asset can raise and clear). An
/// event seen twice (at-least-once) changes nothing.
/// </summary>
public sealed class AlarmEpisodes(NpgsqlDataSource database)
{
    /// <summary>Stores the newest of the changes per episode, unless the store already has a newer one.</summary>
    public async Task<int> WriteAsync(IEnumerable<(AlarmRecord Alarm, int Step)> changes, CancellationToken cancellationToken = default)
    {
        var latest = changes.GroupBy(c => c.Alarm.Id).Select(g => g.MaxBy(c => (c.Alarm.Version, c.Step))).ToList();
        var newest = latest.Select(c => c.Alarm).ToList();
        if (newest.Count == 0)
        {
            return 0;
        }
        await using var command = database.CreateCommand(
            """
            INSERT INTO alarm_episodes (id, asset_id, node_id, raised_at, cleared_at, version, record, step)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::bigint[], $7::jsonb[], $8::integer[])
            ON CONFLICT (id) DO UPDATE SET node_id = EXCLUDED.node_id, cleared_at = EXCLUDED.cleared_at, version = EXCLUDED.version,
                step = EXCLUDED.step, record = EXCLUDED.record
            WHERE (alarm_episodes.version, alarm_episodes.step) < (EXCLUDED.version, EXCLUDED.step)
            """);
        command.Parameters.Add(Sql.Arg(newest.Select(a => a.Id).ToArray()));
        command.Parameters.Add(Sql.Arg(newest.Select(a => a.AssetId).ToArray()));
        command.Parameters.Add(Sql.Arg(newest.Select(a => a.NodeId).ToArray()));
        command.Parameters.Add(Sql.Arg(newest.Select(a => a.RaisedAt.UtcDateTime).ToArray()));
        command.Parameters.Add(new NpgsqlParameter { Value = newest.Select(a => (object?)a.ClearedAt?.UtcDateTime ?? DBNull.Value).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(Sql.Arg(newest.Select(a => a.Version).ToArray()));
        command.Parameters.Add(new NpgsqlParameter { Value = newest.Select(a => JsonSerializer.Serialize(a)).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(Sql.Arg(latest.Select(c => c.Step).ToArray()));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The number of a change within its version, from its event id (<c>{alarm}@{version}</c>, then <c>.1</c>, <c>.2</c>…).</summary>
    public static int StepOf(string eventId)
    {
        var at = eventId.LastIndexOf('@');
        var dot = eventId.IndexOf('.', at + 1);
        return dot > 0 && int.TryParse(eventId.AsSpan(dot + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var step)
            ? step : 0;
    }

    /// <summary>
    /// Episodes in <paramref name="districts"/> active at any time between <paramref name="from"/> and
    /// <paramref name="to"/> (raised by <c>to</c>, not cleared before <c>from</c>), newest raised first, continuing after
    /// (<paramref name="beforeRaisedAt"/>, <paramref name="beforeId"/>); only those now in <paramref name="state"/> and at
/// <paramref name="level"/> when given.
    /// </summary>
    public async Task<List<AlarmRecord>> ActiveBetweenAsync(IReadOnlyCollection<string> districts, DateTimeOffset from, DateTimeOffset to,
        AlarmState? state, AlarmLevel? level, DateTimeOffset? beforeRaisedAt, string? beforeId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand(
            """
            SELECT record FROM alarm_episodes
            WHERE node_id = ANY($1) AND raised_at <= $3 AND (cleared_at IS NULL OR cleared_at >= $2)
              AND ($4::timestamptz IS NULL OR (raised_at, id) < ($4, $5))
              AND ($7::int IS NULL OR (record->>'State')::int = $7) AND ($8::int IS NULL OR (record->>'Level')::int = $8)
            ORDER BY raised_at DESC, id DESC LIMIT $6
            """);
        command.Parameters.Add(Sql.Arg(districts.ToArray()));
        command.Parameters.Add(Sql.Arg(from.UtcDateTime));
        command.Parameters.Add(Sql.Arg(to.UtcDateTime));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)beforeRaisedAt?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)beforeId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(Sql.Arg(limit));
        command.Parameters.Add(new NpgsqlParameter { Value = state is { } s ? (int)s : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = level is { } l ? (int)l : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        var found = new List<AlarmRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(JsonSerializer.Deserialize<AlarmRecord>(reader.GetString(0))!);
        }
        return found;
    }
}
