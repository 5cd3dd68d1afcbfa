using Npgsql;

namespace UrbanTwin.Gateway.Tests.History;

/// <summary>One real PostgreSQL server for the history tests; each test class gets a database of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly string _logs = Path.Combine(Path.GetTempPath(), "urbantwin-pg-logs-" + Guid.NewGuid().ToString("N")[..8]);

    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync(_logs);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A new empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "h_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = name }.ConnectionString;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
