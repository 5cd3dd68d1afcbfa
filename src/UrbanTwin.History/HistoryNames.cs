using System.Collections.Concurrent;
using Npgsql;

namespace UrbanTwin.History;

/// <summary>What a name in <c>history_names</c> names.</summary>
public enum NameScope : short
{
    Asset = 1,
    Metric = 2,
    Node = 3,
}

/// <summary>
/// Asset, metric and node names as the integers the history tables store, cached for the process: a name's id never
/// changes once given. New names are inserted by whoever meets them first; racing writers agree (ON CONFLICT).
/// </summary>
public sealed class HistoryNames(NpgsqlDataSource database)
{
    private readonly ConcurrentDictionary<(NameScope, string), int> _ids = new();

    /// <summary>The ids of <paramref name="names"/>, giving ids to those that have none yet.</summary>
    public async Task<Dictionary<string, int>> ResolveAsync(NameScope scope, IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (_ids.TryGetValue((scope, name), out var id))
            {
                result[name] = id;
            }
            else
            {
                missing.Add(name);
            }
        }
        if (missing.Count == 0)
        {
            return result;
        }
        await using var insert = database.CreateCommand(
            "INSERT INTO history_names (scope, name) SELECT $1, unnest($2::text[]) ON CONFLICT (scope, name) DO NOTHING");
        insert.Parameters.Add(Sql.Arg((short)scope));
        insert.Parameters.Add(Sql.Arg(missing.ToArray()));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        foreach (var (name, id) in await LookUpAsync(scope, missing, cancellationToken))
        {
            result[name] = id;
        }
        return result;
    }

    /// <summary>The id of <paramref name="name"/>, or null when nothing of that name was ever stored.</summary>
    public async Task<int?> FindAsync(NameScope scope, string name, CancellationToken cancellationToken = default)
    {
        if (_ids.TryGetValue((scope, name), out var id))
        {
            return id;
        }
        var found = await LookUpAsync(scope, [name], cancellationToken);
        return found.TryGetValue(name, out var stored) ? stored : null;
    }

    private async Task<Dictionary<string, int>> LookUpAsync(NameScope scope, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        await using var select = database.CreateCommand("SELECT name, id FROM history_names WHERE scope = $1 AND name = ANY($2)");
        select.Parameters.Add(Sql.Arg((short)scope));
        select.Parameters.Add(Sql.Arg(names.ToArray()));
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetString(0)] = reader.GetInt32(1);
            _ids[(scope, reader.GetString(0))] = reader.GetInt32(1);
        }
        return found;
    }
}
