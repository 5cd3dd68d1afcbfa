using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace UrbanTwin.Grains.Hosting;

/// <summary>
/// The settings silos and gateways must agree on to form one cluster: <c>ConnectionStrings:Redis</c> (a
/// StackExchange.Redis connection string; its presence selects cluster mode), <c>Orleans:ClusterId</c> (one
/// deployment's membership) and <c>Orleans:ServiceId</c> (the storage namespace, stable across deployments).
/// In a pod the ids may come from <c>ORLEANS_CLUSTER_ID</c> and <c>ORLEANS_SERVICE_ID</c>, the variables Orleans'
/// Kubernetes hosting reads, so silos and gateways take them from one place.
/// </summary>
public static class ClusterSettings
{
    public const string DefaultId = "urbantwin";

    /// <summary>The Redis connection string, or null in embedded mode.</summary>
    public static string? RedisConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Redis") is { Length: > 0 } value ? value : null;

    /// <summary><c>ConnectionStrings:History</c> (an Npgsql connection string), or null: no history store, history only in memory.</summary>
    public static string? HistoryConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("History") is { Length: > 0 } value ? value : null;

    public static void Apply(ClusterOptions options, IConfiguration configuration)
    {
        options.ClusterId = FirstOf(configuration, "Orleans:ClusterId", "ORLEANS_CLUSTER_ID") ?? DefaultId;
        options.ServiceId = FirstOf(configuration, "Orleans:ServiceId", "ORLEANS_SERVICE_ID") ?? DefaultId;
    }

    /// <summary>The address other silos and clients reach this silo at: <c>Orleans:AdvertisedIP</c>, else the pod's IP, else loopback.</summary>
    public static IPAddress AdvertisedAddress(IConfiguration configuration) =>
        FirstOf(configuration, "Orleans:AdvertisedIP", "POD_IP") is { } ip ? IPAddress.Parse(ip) : IPAddress.Loopback;

    /// <summary>
    /// Whether to use Orleans' Kubernetes hosting (pod names as silo names, membership reconciled with the pods):
    /// <c>Orleans:Kubernetes</c> = true or false, or by default when running in a pod that has <c>POD_NAME</c>.
    /// </summary>
    public static bool InKubernetes(IConfiguration configuration) =>
        configuration.GetValue<bool?>("Orleans:Kubernetes")
        ?? (!string.IsNullOrEmpty(configuration["KUBERNETES_SERVICE_HOST"]) && !string.IsNullOrEmpty(configuration["POD_NAME"]));

    private static string? FirstOf(IConfiguration configuration, params string[] keys) =>
        keys.Select(k => configuration[k]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
