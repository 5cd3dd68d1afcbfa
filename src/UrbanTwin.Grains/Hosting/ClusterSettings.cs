using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace UrbanTwin.Grains.Hosting;

/// <summary>
/// The settings silos and gateways must agree on to form one cluster: <c>ConnectionStrings:Redis</c> (a
/// StackExchange.Redis connection string; its presence selects cluster mode), <c>Orleans:ClusterId</c> (one
/// deployment's membership) and <c>Orleans:ServiceId</c> (the storage namespace, stable across deployments).
/// </summary>
public static class ClusterSettings
{
    public const string DefaultId = "urbantwin";

    /// <summary>The Redis connection string, or null in embedded mode.</summary>
    public static string? RedisConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Redis") is { Length: > 0 } value ? value : null;

    public static void Apply(ClusterOptions options, IConfiguration configuration)
    {
        options.ClusterId = configuration["Orleans:ClusterId"] is { Length: > 0 } clusterId ? clusterId : DefaultId;
        options.ServiceId = configuration["Orleans:ServiceId"] is { Length: > 0 } serviceId ? serviceId : DefaultId;
    }
}
