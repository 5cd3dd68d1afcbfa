namespace UrbanTwin.Simulator.Bench;

/// <summary>
/// GC figures of the gateway (read from its Prometheus endpoint) and of this client process, taken before and after
/// a phase: what stopped either side while the reads were timed, to tell a gateway pause from a client one.
/// </summary>
public sealed record RuntimeCounters(double GatewayGcPauseSeconds, double GatewayGen0, double GatewayGen1, double GatewayGen2, double ClientGcPauseSeconds,
    double GatewayAllocatedBytes)
{
    public static async Task<RuntimeCounters> TakeAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics");
        double Sum(string name, string? label = null) => PrometheusText.Sum(text, name, label);
        return new RuntimeCounters(Sum("dotnet_gc_pause_time_seconds_total"),
            Sum("dotnet_gc_collections_total", "gen0"), Sum("dotnet_gc_collections_total", "gen1"), Sum("dotnet_gc_collections_total", "gen2"),
            GC.GetTotalPauseDuration().TotalSeconds, Sum("dotnet_gc_heap_total_allocated_bytes_total"));
    }

    public RuntimeCounters Minus(RuntimeCounters before) => new(GatewayGcPauseSeconds - before.GatewayGcPauseSeconds, GatewayGen0 - before.GatewayGen0,
        GatewayGen1 - before.GatewayGen1, GatewayGen2 - before.GatewayGen2, ClientGcPauseSeconds - before.ClientGcPauseSeconds,
        GatewayAllocatedBytes - before.GatewayAllocatedBytes);
}
