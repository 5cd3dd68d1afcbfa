using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

namespace UrbanTwin.Grains.Hosting;

/// <summary>
/// The Orleans dashboard (grain activations, calls, silo health) for operators, off unless
/// <c>OrleansDashboard:Enabled</c> is true. Silos collect its figures (its grain-call profiler costs a little on
/// every call, which is why it is off by default); gateways serve it at <see cref="Path"/>. Every silo and gateway of
/// a cluster must agree on the setting: it comes from the shared ConfigMap.
/// </summary>
public static class OrleansDashboardSettings
{
    public const string Path = "/orleans";

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("OrleansDashboard:Enabled", false);

    public static ISiloBuilder AddOrleansDashboardIfEnabled(this ISiloBuilder silo, IConfiguration configuration) =>
        Enabled(configuration) ? silo.AddDashboard() : silo;
}
