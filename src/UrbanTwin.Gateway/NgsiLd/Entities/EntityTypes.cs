using UrbanTwin.Contracts.Topology;
using UrbanTwin.Domain.NgsiLd;

namespace UrbanTwin.Gateway.NgsiLd.Entities;

/// <summary>
/// How the twin's things are named as NGSI-LD entities: an asset as <see cref="AssetEntityTypes"/> says; a district, city, cluster or the
/// province is <c>urn:ngsi-ld:AdministrativeArea:&lt;node id&gt;</c>. Types and attribute names are terms of the
/// default vocabulary (<c>https://uri.etsi.org/ngsi-ld/default-context/</c>) unless a user context says otherwise.
/// </summary>
public static class EntityTypes
{
    public const string Prefix = AssetEntityTypes.Prefix;
    public const string AdministrativeArea = AssetEntityTypes.AdministrativeArea;

    /// <summary>The entity types of assets, in the catalogue's order.</summary>
    public static IReadOnlyCollection<string> AssetTypes => AssetEntityTypes.All;

    public static string OfKind(string kind) => AssetEntityTypes.OfKind(kind);

    public static string? KindOf(string type) => AssetEntityTypes.KindOf(type);

    public static string AssetId(string kind, string assetId) => AssetEntityTypes.EntityId(kind, assetId);

    public static string NodeId(string nodeId) => AssetEntityTypes.NodeEntityId(nodeId);

    /// <summary>The administrative level of a node, as its <c>administrativeLevel</c> property says it.</summary>
    public static string LevelOf(NodeKind kind) => kind switch
    {
        NodeKind.Province => "province",
        NodeKind.Cluster => "urbanAgglomeration",
        NodeKind.City => "city",
        _ => "district",
    };

    /// <summary>What an entity id names: a node or an asset (of the given type), or nothing this broker knows the form of.</summary>
    public static (string Type, string Key)? Parse(string entityId) => AssetEntityTypes.Parse(entityId);

    /// <summary>The UN/CEFACT common code of a metric's unit (<see cref="AssetEntityTypes.UnitCode"/>).</summary>
    public static string? UnitCode(string unit) => AssetEntityTypes.UnitCode(unit);
}
