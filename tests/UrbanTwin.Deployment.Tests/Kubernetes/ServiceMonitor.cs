using k8s;
using k8s.Models;

namespace UrbanTwin.Deployment.Tests.Kubernetes;

/// <summary>The Prometheus Operator's scrape target (a custom resource, so KubernetesClient has no model for it).</summary>
public sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    public const string TypeKey = "monitoring.coreos.com/v1/ServiceMonitor";

    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public ServiceMonitorSpec Spec { get; set; } = new();
}

public sealed class ServiceMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();
    public List<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

public sealed class ServiceMonitorEndpoint
{
    public string Port { get; set; } = "";
    public string Path { get; set; } = "";
    public string Interval { get; set; } = "";
}
