using Scalar.AspNetCore;
using UrbanTwin.Gateway.Alarms;
using UrbanTwin.Gateway.Assets;
using UrbanTwin.Gateway.Geo;
using UrbanTwin.Gateway.Hosting;
using UrbanTwin.Gateway.History;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.Live;
using UrbanTwin.Gateway.Mqtt;
using UrbanTwin.Gateway.NgsiLd;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Observability;
using UrbanTwin.Gateway.Rankings;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Gateway.Simulation;
using UrbanTwin.Gateway.Topology;
using UrbanTwin.Gateway.Webhooks;
using UrbanTwin.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOrleans();
builder.AddApiKeyAuth();
builder.AddPerKeyRateLimit();

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ClusterUnavailableHandler>();
builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
builder.Services.AddOpenApi(o => o.AddOperationTransformer<ApiErrorResponses>().AddOperationTransformer<CsvResponses>().AddOperationTransformer<GeoJsonResponses>().AddOperationTransformer<ParameterDescriptions>().AddSchemaTransformer<ApiExamples>().AddSchemaTransformer<GeoJsonSchemas>());
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddMetrics();
builder.Services.AddSingleton<GatewayMetrics>();
builder.Services.AddSettings<IngestOptions, IngestRules>(builder.Configuration.GetSection(IngestOptions.Section));
builder.Services.AddSettings<SimulationOptions, SimulationRules>(builder.Configuration.GetSection(SimulationOptions.Section));
builder.Services.AddSingleton<NodeDirectory>();
builder.Services.AddSettings<ReadOptions, ReadRules>(builder.Configuration.GetSection(ReadOptions.Section));
builder.Services.AddSettings<GeoOptions, GeoRules>(builder.Configuration.GetSection(GeoOptions.Section));
builder.Services.AddSingleton<LastSeenReads>();
builder.Services.AddSettings<LiveOptions, LiveRules>(builder.Configuration.GetSection(LiveOptions.Section));
builder.Services.AddSingleton<LiveHub>();
builder.Services.AddSettings<WebhookTargetOptions, WebhookTargetRules>(builder.Configuration.GetSection(WebhookTargetOptions.Section));
builder.Services.AddSingleton<SubscriptionRules>();
builder.Services.AddSingleton<TelemetryIngestor>();
builder.Services.AddHostedService<TelemetryFeed>();
builder.AddMqttIngest();
builder.AddNgsiLd();
builder.Services.AddHostedService<StartupBanner>();
builder.Services.AddHealthChecks()
    .AddCheck<SeedingHealthCheck>("seeding", tags: [ServiceDefaultsExtensions.ReadyTag])
    .AddCheck<GrainsHealthCheck>("grains", tags: [ServiceDefaultsExtensions.ReadyTag])
    .AddCheck<HistoryHealthCheck>("history", tags: [ServiceDefaultsExtensions.ReadyTag]);

var app = builder.Build();
if (!AuthSetup.CheckAtStartup(app))
{
    return 1;
}

app.UseExceptionHandler();
app.UseStatusCodePages();

// The operations-center dashboard: static files from wwwroot, libraries vendored (nothing from another host).
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapOpenApi();
app.MapScalarApiReference("/docs", o => o.WithTitle("UrbanTwin API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
app.MapDefaultEndpoints();
app.MapOrleansDashboardIfEnabled();

// Until the reference data is in place the API answers 503 (not 404s for nodes that are about to exist).
static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/ngsi-ld");
app.UseWhen(IsApi, branch => branch.Use(async (context, next) =>
{
    if (context.RequestServices.GetRequiredService<SeedingState>() is { IsDone: false } seeding)
    {
        context.Response.Headers.RetryAfter = "2";
        await TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Starting",
            detail: $"The gateway is not ready yet: {seeding.Status}.").ExecuteAsync(context);
        return;
    }
    await next(context);
}));

app.UseWhen(IsApi, branch => branch.UseAccessRefusalCount());
app.UseAuthentication();
app.UseRateLimiter(); // after authentication: the bucket is the caller's key
app.UseAuthorization();

var api = app.MapGroup("/api/v1").Requires(Permission.Read).RefuseUnknownQueryParameters();
api.MapAuthApi();
api.MapNodesApi();
api.MapIndicatorsApi();
api.MapAssetsApi();
api.MapTelemetryApi();
api.MapTopologyApi();
api.MapRankingsApi();
api.MapAlarmsApi();
api.MapSurroundingsApi();
api.MapHistoryApi();
api.MapStreamApi();
api.MapSubscriptionsApi();
app.MapNgsiLd();

app.Run();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
