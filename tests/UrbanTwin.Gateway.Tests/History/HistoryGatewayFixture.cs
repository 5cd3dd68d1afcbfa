using Microsoft.AspNetCore.Hosting;

namespace UrbanTwin.Gateway.Tests.History;

/// <summary>
/// An embedded gateway with a history store: its own real PostgreSQL (the tests stop and start it), writers flushing
/// every 200 ms, and a memory window of 10 readings per metric, so a longer history has to come from the store.
/// </summary>
public sealed class HistoryGatewayFixture : GatewayFixture
{
    public const int ReadingsInMemory = 10;
    private readonly string _logs = Path.Combine(Path.GetTempPath(), "urbantwin-history-" + Guid.NewGuid().ToString("N")[..8]);

    public PostgresServer Postgres { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:History", Postgres.ConnectionString);
        builder.UseSetting("History:ReadingsPerMetric", ReadingsInMemory.ToString());
        builder.UseSetting("History:FlushInterval", "00:00:00.2");
        builder.UseSetting("History:RetryDelay", "00:00:00.5");
        builder.UseSetting("History:KeepAliveInterval", "00:00:01");
    }

    public override async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync(_logs);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
