using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace UrbanTwin.ServiceDefaults;

/// <summary>
/// What every UrbanTwin process shares: traces, metrics and logs (OTLP when configured, Prometheus at
/// <c>/metrics</c>), health endpoints, and a shutdown that reports not ready before it stops anything.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The product's own meter (the silos' <c>SiloMetrics</c>, the gateways' <c>GatewayMetrics</c>) and activity source.</summary>
    public const string InstrumentationName = "UrbanTwin";

    /// <summary>Orleans' activity sources (Orleans.Diagnostics.ActivitySources): runtime messaging and application grain calls.</summary>
    public const string OrleansRuntimeSource = "Microsoft.Orleans.Runtime";
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans")
                .AddMeter(InstrumentationName)
                .AddPrometheusExporter());

        // Traces and logs go only where an OTLP collector is configured (OTEL_EXPORTER_OTLP_ENDPOINT): spans nobody
        // collects would still cost an activity per grain call on the ingest path. Orleans' trace propagation between
        // grains follows the same setting (UrbanTwin.Grains.Hosting.Tracing).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(InstrumentationName)
                    .AddSource(OrleansRuntimeSource)
                    .AddSource(OrleansApplicationSource)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                        !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }

        builder.Services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy("the process is running"), [LiveTag])
            .AddCheck<ShutdownHealthCheck>("shutdown", tags: [ReadyTag]);

        var shutdown = builder.Configuration.GetSection(ShutdownOptions.Section).Get<ShutdownOptions>() ?? new ShutdownOptions();
        if (shutdown.DrainDelay < TimeSpan.Zero || shutdown.Timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Shutdown:DrainDelay must not be negative and Shutdown:Timeout must be positive.");
        }
        builder.Services.AddOptions<ShutdownOptions>().Bind(builder.Configuration.GetSection(ShutdownOptions.Section));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdown.DrainDelay + shutdown.Timeout);
        builder.Services.AddSingleton<ShutdownState>();
        builder.Services.AddHostedService<ShutdownDrain>();
        return builder;
    }

    /// <summary>
    /// <c>/metrics</c> is the Prometheus scrape endpoint (OpenTelemetry's exporter). <c>/health/live</c> answers from the process alone (never a grain or Redis call, so a slow dependency cannot
    /// get a healthy pod restarted); <c>/health/ready</c> runs the readiness checks and says why it is not ready.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(LiveTag), ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
