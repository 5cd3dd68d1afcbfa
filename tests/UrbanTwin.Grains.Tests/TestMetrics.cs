using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using UrbanTwin.Grains.Observability;

namespace UrbanTwin.Grains.Tests;

/// <summary>Instruments for parts built by hand in a test (a host gives them its own).</summary>
public static class TestMetrics
{
    public static SiloMetrics Silo() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
