using System.Text;
using System.Text.Json;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Gateway.Ingest;

/// <summary>
/// The metric names every asset kind knows, as shared strings: a reading's metric name is matched against them as
/// UTF-8 and the shared string is used, instead of a new string per metric per reading. Unknown names (which the
/// asset will refuse) are read as usual.
/// </summary>
public static class MetricNames
{
    private static readonly (string Name, byte[] Utf8)[] Known =
        [.. AssetCatalog.Kinds.SelectMany(k => k.Metrics).Select(m => m.Name).Distinct(StringComparer.Ordinal).Select(n => (n, Encoding.UTF8.GetBytes(n)))];

    public static string Of(JsonProperty property)
    {
        foreach (var (name, utf8) in Known)
        {
            if (property.NameEquals(utf8))
            {
                return name;
            }
        }
        return property.Name;
    }
}
