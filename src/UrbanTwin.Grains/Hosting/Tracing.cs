using Microsoft.Extensions.Configuration;

namespace UrbanTwin.Grains.Hosting;

/// <summary>
/// Traces leave a process only when an OTLP collector is configured, by the OpenTelemetry SDK's own variable
/// (ServiceDefaults sets the exporter up on the same condition).
/// </summary>
public static class Tracing
{
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool Exported(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
}
