using System.Text.RegularExpressions;
using UrbanTwin.Contracts.Geo;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Gateway.NgsiLd.JsonLd;

namespace UrbanTwin.Gateway.NgsiLd.Query;

/// <summary>
/// Entities one selector names (clause 5.2.33, EntitySelector): of one of <see cref="TypeIris"/> (null: any type; empty:
/// none this broker has), with one of <see cref="EntityIds"/> (null: any), whose id matches <see cref="IdPattern"/>.
/// </summary>
public sealed record EntitySelection(IReadOnlySet<string>? TypeIris, IReadOnlySet<string>? EntityIds, string? IdPattern)
{
    private readonly Regex? _pattern = IdPattern is null ? null : new Regex(IdPattern, RegexOptions.CultureInvariant, QueryExpression.PatternTimeout);

    public bool Selects(string entityId, string typeIri) =>
        (TypeIris is null || TypeIris.Contains(typeIri)) && (EntityIds is null || EntityIds.Contains(entityId)) && (_pattern is null || _pattern.IsMatch(entityId));
}

/// <summary>
/// A Query Entities request (clause 5.7.2) once read: the selectors (any of them; none: entities of every type), the
/// <c>q</c> as written and with its attribute paths as IRIs, the <c>attrs</c> as IRIs (an entity has one of them, and
/// only those are answered), the geo-query; <see cref="GeoOnOtherProperty"/> when the geo-query asks a GeoProperty
/// other than <c>location</c>, which no entity here has.
/// </summary>
public sealed record EntityQuery(
    IReadOnlyList<EntitySelection> Selectors,
    string? QText,
    QueryExpression? Q,
    IReadOnlySet<string>? Attrs,
    EntityGeoQuery? Geo,
    bool GeoOnOtherProperty,
    LdContext Context)
{
    public bool Selects(string entityId, string typeIri) => Selectors.Count == 0 || Selectors.Any(s => s.Selects(entityId, typeIri));
}
