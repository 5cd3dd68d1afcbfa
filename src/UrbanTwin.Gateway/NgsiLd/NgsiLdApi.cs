using UrbanTwin.Gateway.NgsiLd.Batch;
using UrbanTwin.Gateway.NgsiLd.Entities;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.NgsiLd.Query;
using UrbanTwin.Gateway.NgsiLd.Subscriptions;
using UrbanTwin.Gateway.NgsiLd.Temporal;
using UrbanTwin.Gateway.Security;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.NgsiLd;

/// <summary>
/// The NGSI-LD API (ETSI GS CIM 009 V1.8.1) under <c>/ngsi-ld/v1</c>, with the keys, roles and scopes of <c>/api/v1</c>.
/// Its contract is the specification's, so its operations are not in this gateway's OpenAPI document.
/// </summary>
public static class NgsiLdApi
{
    public static void AddNgsiLd(this WebApplicationBuilder builder)
    {
        builder.Services.AddSettings<NgsiLdOptions, NgsiLdRules>(builder.Configuration.GetSection(NgsiLdOptions.Section));
        // Contexts are fetched from allow-listed hosts only; redirects could lead anywhere, so none are followed.
        builder.Services.AddHttpClient(ContextResolver.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        builder.Services.AddSingleton<ContextResolver>();
        builder.Services.AddSingleton<EntityQueryRunner>();
        builder.Services.AddSingleton<EntityWriter>();
    }

    public static void MapNgsiLd(this WebApplication app)
    {
        var ngsi = app.MapGroup("/ngsi-ld/v1").Requires(Permission.Read);
        // An operation that cannot go on throws the NGSI-LD error it answers with.
        ngsi.AddEndpointFilter(async (invocation, next) =>
        {
            try
            {
                return await next(invocation);
            }
            catch (NgsiLdException ex)
            {
                return ex.Error.ToResult();
            }
        });
        ngsi.MapNgsiLdEntities();
        ngsi.MapNgsiLdQuery();
        ngsi.MapNgsiLdEntityWrites();
        ngsi.MapNgsiLdBatch();
        ngsi.MapNgsiLdTemporal();
        ngsi.MapNgsiLdSubscriptions();
    }
}
