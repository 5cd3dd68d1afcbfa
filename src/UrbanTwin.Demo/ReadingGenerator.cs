using UrbanTwin.Contracts.Assets;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Demo;

/// <summary>
/// Plausible readings for the demonstration feed: each metric wanders around a normal baseline, and an
/// "incident" drives one metric of an asset past its warning or alarm level for a while.
/// </summary>
public static class ReadingGenerator
{
    private static readonly Dictionary<string, (double Low, double High)> Normal = new(StringComparer.Ordinal)
    {
        ["gasLel"] = (0, 6), ["pressure"] = (0.22, 0.38), ["o2"] = (20.3, 21.2), ["h2s"] = (0, 2), ["temperature"] = (16, 28),
        ["leakageRate"] = (4, 8), ["flow"] = (80, 400), ["fillLevel"] = (15, 55), ["waterDepth"] = (0, 1),
        ["indoorTemp"] = (19, 23), ["supplyTemp"] = (60, 80), ["strain"] = (40, 160), ["deflection"] = (4, 14), ["tilt"] = (0, 0.2),
        ["pm25"] = (15, 70), ["pm10"] = (35, 110), ["so2"] = (5, 25), ["no2"] = (15, 50), ["co"] = (0.4, 1.2), ["o3"] = (40, 130),
    };

    /// <summary>The metric an incident on this kind drives, and the values it reaches for a warning and an alarm.</summary>
    private static readonly Dictionary<string, (string Metric, double Warning, double Alarm)> Incidents = new(StringComparer.Ordinal)
    {
        [AssetCatalog.GasPipeline] = ("gasLel", 32, 62),
        [AssetCatalog.UtilityTunnel] = ("o2", 19.0, 17.2),
        [AssetCatalog.WaterMain] = ("pressure", 0.15, 0.12),
        [AssetCatalog.DrainagePipe] = ("fillLevel", 86, 98),
        [AssetCatalog.WaterloggingPoint] = ("waterDepth", 9, 21),
        [AssetCatalog.HeatingPipe] = ("indoorTemp", 17, 15),
        [AssetCatalog.Bridge] = ("strain", 330, 430),
    };

    public static bool CanHaveIncident(string kind) => Incidents.ContainsKey(kind);

    /// <summary>A full reading of every metric of the kind; <paramref name="incident"/> overrides one metric.</summary>
    public static MetricSample[] Generate(string kind, Random random, AlarmLevel incident = AlarmLevel.None)
    {
        var definition = AssetCatalog.Get(kind);
        var samples = new MetricSample[definition.Metrics.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            var name = definition.Metrics[i].Name;
            var (low, high) = Normal[name];
            var value = low + random.NextDouble() * (high - low);
            if (incident != AlarmLevel.None && Incidents.TryGetValue(kind, out var spec) && spec.Metric == name)
            {
                value = incident == AlarmLevel.Alarm ? spec.Alarm : spec.Warning;
            }
            samples[i] = new MetricSample(name, Math.Round(value, 3));
        }
        return samples;
    }
}
