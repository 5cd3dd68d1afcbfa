using UrbanTwin.Grains.Hosting;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Gateway.Hosting;

public static class OrleansHosting
{
    /// <summary>
    /// Embedded mode: a silo co-hosted in the gateway process, in-memory storage, localhost clustering. Ports are
    /// configurable (<c>Orleans:SiloPort</c>, <c>Orleans:GatewayPort</c>) so several instances can share a machine.
    /// </summary>
    public static WebApplicationBuilder AddEmbeddedSilo(this WebApplicationBuilder builder)
    {
        var siloPort = builder.Configuration.GetValue("Orleans:SiloPort", 11111);
        var gatewayPort = builder.Configuration.GetValue("Orleans:GatewayPort", 30000);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            silo.AddMemoryGrainStorage(StorageNames.Default);
            silo.AddUrbanTwinGrains(builder.Configuration);
        });
        return builder;
    }
}
