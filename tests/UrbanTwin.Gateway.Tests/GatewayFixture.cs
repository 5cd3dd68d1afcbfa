using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using UrbanTwin.Grains.Seeding;

namespace UrbanTwin.Gateway.Tests;

/// <summary>One embedded gateway (co-hosted silo, Shanxi seeded, built-in feed off) shared by the API tests.</summary>
public sealed class GatewayFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const int MaxItemsPerBatch = 500;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Simulation:Enabled", "false");
        builder.UseSetting("Live:Heartbeat", "00:00:01");
        builder.UseSetting("Topology:Seed", "shanxi");
        builder.UseSetting("Ingest:MaxItemsPerBatch", MaxItemsPerBatch.ToString());
        builder.UseSetting("Ingest:MaxBodyBytes", (1024 * 1024).ToString());
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString());
        builder.UseSetting("Orleans:GatewayPort", FreePort().ToString());
    }

    public async Task InitializeAsync()
    {
        await Services.GetRequiredService<SeedingState>().WhenDone.WaitAsync(TimeSpan.FromSeconds(60));
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<JsonNode> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new JsonException("empty body");
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
