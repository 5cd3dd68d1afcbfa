using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UrbanTwin.Grains.Hosting;

namespace UrbanTwin.Grains.Tests;

/// <summary>
/// Trace context travels with grain calls only when traces are exported: Orleans' propagation filters cost every
/// grain call whether or not anyone listens.
/// </summary>
public class TracingTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("http://otel-collector:4317", true)]
    public void Grain_calls_carry_trace_context_only_when_traces_are_exported(string? endpoint, bool propagated)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [Tracing.OtlpEndpointSetting] = endpoint })
            .Build();
        using var host = new HostBuilder()
            .UseOrleans(silo => silo.UseLocalhostClustering().AddUrbanTwinGrains(configuration))
            .Build(); // built, not started: only its services are looked at

        var filters = host.Services.GetServices<IIncomingGrainCallFilter>().Cast<object>()
            .Concat(host.Services.GetServices<IOutgoingGrainCallFilter>())
            .Select(f => f.GetType().Name)
            .ToList();

        Assert.Equal(propagated ? 2 : 0, filters.Count(name => name.StartsWith("ActivityPropagation", StringComparison.Ordinal)));
        Assert.Equal(propagated, Tracing.Exported(configuration));
    }
}
