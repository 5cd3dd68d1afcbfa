using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Mqtt;

public static class MqttSetup
{
    /// <summary>MQTT ingest: the settings, the embedded broker (started first), the ingest client and its health check.</summary>
    public static WebApplicationBuilder AddMqttIngest(this WebApplicationBuilder builder)
    {
        builder.Services.AddSettings<MqttOptions, MqttRules>(builder.Configuration.GetSection(MqttOptions.Section));
        builder.Services.AddSingleton<MqttEndpoint>();
        builder.Services.AddSingleton<EmbeddedMqttBroker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedMqttBroker>());
        builder.Services.AddSingleton<MqttIngest>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttIngest>());
        builder.Services.AddHealthChecks().AddCheck<MqttHealthCheck>("mqtt", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }
}
