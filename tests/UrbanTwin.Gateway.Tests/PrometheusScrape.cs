using System.Globalization;
using System.Text.RegularExpressions;

namespace UrbanTwin.Gateway.Tests;

/// <summary>The Prometheus text format, read just enough to sum a metric's samples whose labels contain a given pair.</summary>
public sealed partial class PrometheusScrape(string text)
{
    private readonly (string Name, string Labels, double Value)[] _samples = [.. text.Split('\n')
        .Select(line => SampleLine().Match(line)).Where(m => m.Success)
        .Select(m => (m.Groups["name"].Value, m.Groups["labels"].Value, double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))];

    public double Sum(string name, string? label = null) =>
        _samples.Where(s => s.Name == name && (label is null || s.Labels.Contains(label, StringComparison.Ordinal))).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    public override string ToString() => $"{_samples.Length} samples";

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>[^ ]+)( \d+)?$""")]
    private static partial Regex SampleLine();

    /// <summary>The endpoint of a running gateway, read.</summary>
    public static async Task<PrometheusScrape> TakeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }
}
