using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using UrbanTwin.Grains.Seeding;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Tests;

/// <summary>One embedded gateway (co-hosted silo, Shanxi seeded, built-in feed off) shared by the API tests.</summary>
public class GatewayFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const int MaxItemsPerBatch = 500;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Simulation:Enabled", "false");
        builder.UseSetting("Live:Heartbeat", "00:00:01");
        builder.UseSetting("Topology:Seed", "shanxi");
        builder.UseSetting("Ingest:MaxItemsPerBatch", MaxItemsPerBatch.ToString());
        builder.UseSetting("Ingest:MaxBodyBytes", (1024 * 1024).ToString());
        // As a deployed gateway: webhooks may not target loopback or private addresses (the embedded run allows them).
        builder.UseSetting("Webhooks:AllowPrivateTargets", "false");
        builder.UseSetting("Mqtt:Port", "0"); // no broker: the MQTT tests start gateways of their own
        // NGSI-LD user contexts come from a context server of the tests on loopback; a slow one is given up on in a second.
        builder.UseSetting("NgsiLd:ContextHosts:0", "127.0.0.1");
        builder.UseSetting("NgsiLd:ContextTimeout", "00:00:01");
        builder.UseSetting("NgsiLd:MaxContextBytes", "4096");
        builder.UseSetting("NgsiLd:MaxScannedEntities", "5"); // what QueryEntitiesTests reads the assets for is bounded by this
        builder.UseSetting("Orleans:SiloPort", Ports.Free().ToString());
        builder.UseSetting("Orleans:GatewayPort", Ports.Free().ToString());
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<GrainCallCounter>();
            services.AddSingleton<IIncomingGrainCallFilter>(provider => provider.GetRequiredService<GrainCallCounter>());
        });
    }

    private Contract.OpenApiContract? _contract;

    /// <summary>The gateway's own OpenAPI document, read once: every client below checks its traffic against it.</summary>
    public Contract.OpenApiContract Contract => _contract ??= new Contract.OpenApiContract(
        CreateDefaultClient().GetStringAsync("/openapi/v1.json").GetAwaiter().GetResult());

    public virtual async Task InitializeAsync()
    {
        await Services.GetRequiredService<SeedingState>().WhenDone.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>A client whose every request and response is checked against the OpenAPI document (a mismatch throws).</summary>
    public new HttpClient CreateClient() => CreateClient(new WebApplicationFactoryClientOptions());

    public new HttpClient CreateClient(WebApplicationFactoryClientOptions options)
    {
        var handlers = new List<DelegatingHandler> { new Contract.ContractCheckingHandler(Contract) };
        if (options.HandleCookies)
        {
            handlers.Insert(0, new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler());
        }
        return CreateDefaultClient(options.BaseAddress, [.. handlers]);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public static async Task<JsonNode> ReadJson(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new JsonException("empty body");
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
