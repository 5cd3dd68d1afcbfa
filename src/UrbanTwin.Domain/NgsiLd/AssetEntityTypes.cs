using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Domain.NgsiLd;

/// <summary>
/// How assets are named as NGSI-LD entities: <c>urn:ngsi-ld:&lt;Type&gt;:&lt;asset id&gt;</c>, a type per kind
/// (<c>AirQualityObserved</c> as the FIWARE Smart Data Model names an air-quality station's observations; the others
/// have no Smart Data Model and are named after the kind). Here rather than in the gateway because districts match
/// entity ids and types when they answer a query.
/// </summary>
public static class AssetEntityTypes
{
    public const string Prefix = "urn:ngsi-ld:";

    /// <summary>The type of districts, cities, clusters and the province.</summary>
    public const string AdministrativeArea = "AdministrativeArea";

    private static readonly Dictionary<string, string> TypeOfKind = new(StringComparer.Ordinal)
    {
        [AssetCatalog.GasPipeline] = "GasPipeline",
        [AssetCatalog.WaterMain] = "WaterMain",
        [AssetCatalog.DrainagePipe] = "DrainagePipe",
        [AssetCatalog.WaterloggingPoint] = "WaterloggingPoint",
        [AssetCatalog.HeatingPipe] = "HeatingPipe",
        [AssetCatalog.Bridge] = "Bridge",
        [AssetCatalog.UtilityTunnel] = "UtilityTunnel",
        [AssetCatalog.AirQualityStation] = "AirQualityObserved",
    };

    private static readonly Dictionary<string, string> KindOfType = TypeOfKind.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>The entity types of assets, in the catalogue's order.</summary>
    public static IReadOnlyCollection<string> All => TypeOfKind.Values;

    public static string OfKind(string kind) => TypeOfKind.GetValueOrDefault(kind) ?? throw new ArgumentException($"no entity type for kind '{kind}'", nameof(kind));

    public static string? KindOf(string type) => KindOfType.GetValueOrDefault(type);

    public static string EntityId(string kind, string assetId) => $"{Prefix}{OfKind(kind)}:{assetId}";

    /// <summary>A node's entity id: <c>urn:ngsi-ld:AdministrativeArea:&lt;node id&gt;</c>.</summary>
    public static string NodeEntityId(string nodeId) => $"{Prefix}{AdministrativeArea}:{nodeId}";

    /// <summary>
    /// Whether the id has the form of the twin's own entities (an asset's or a node's); any other id names an entity
    /// stored as written.
    /// </summary>
    public static bool IsTwinForm(string entityId) => Parse(entityId) is var (type, _) && (type == AdministrativeArea || KindOf(type) is not null);

    /// <summary>What an entity id names: a type and a key (an asset's or a node's id), or nothing of the form this broker uses.</summary>
    public static (string Type, string Key)? Parse(string entityId)
    {
        if (!entityId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = entityId.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0 || colon == rest.Length - 1)
        {
            return null;
        }
        return (rest[..colon].ToString(), rest[(colon + 1)..].ToString());
    }

    /// <summary>
    /// The UN/CEFACT common code of a metric's unit (what NGSI-LD's <c>unitCode</c> holds). Microstrain has no code of
    /// its own: it is a part per million of length (<c>59</c>).
    /// </summary>
    public static string? UnitCode(string unit) => unit switch
    {
        "%LEL" or "%" => "P1",
        "%vol" => "VP",
        "MPa" => "MPA",
        "mg/m3" => "GP",
        "ug/m3" => "GQ",
        "degC" => "CEL",
        "m3/h" => "MQH",
        "cm" => "CMT",
        "mm" => "MMT",
        "deg" => "DD",
        "microstrain" => "59",
        _ => null,
    };
}
