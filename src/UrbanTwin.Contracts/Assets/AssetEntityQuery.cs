using UrbanTwin.Contracts.Geo;

namespace UrbanTwin.Contracts.Assets;

/// <summary>
/// Which entities an NGSI-LD query names: assets of <see cref="Kinds"/> (null: any kind), with one of
/// <see cref="EntityIds"/> (null: any), whose entity id matches <see cref="IdPattern"/> (a regular expression; null: any).
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.EntitySelector")]
public sealed record EntitySelector(
    [property: Id(0)] string[]? Kinds,
    [property: Id(1)] string[]? EntityIds,
    [property: Id(2)] string? IdPattern);

/// <summary>
/// An NGSI-LD entity query as one district answers it over its assets' contributions: entities any of
/// <see cref="Entities"/> names (none: every asset), matching <see cref="Q"/> (the query language, its attribute
/// names translated to the twin's by <see cref="Names"/>), having at least one of <see cref="Attrs"/> (the twin's
/// names), located as <see cref="Geo"/> says. The gateway sends only what a contribution can answer.
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.AssetEntityQuery")]
public sealed record AssetEntityQuery(
    [property: Id(0)] EntitySelector[] Entities,
    [property: Id(1)] string? Q,
    [property: Id(2)] Dictionary<string, string>? Names,
    [property: Id(3)] string[]? Attrs,
    [property: Id(4)] EntityGeoQuery? Geo,
    [property: Id(5)] int Take);

/// <summary>
/// The first <c>Take</c> matching entity ids in ordinal order, and how many matched in all; or, with
/// <see cref="PatternTooSlow"/>, nothing: a regular expression of the query took too long on one id or value (an
/// answer, not an exception, so that the caller refuses the query instead of taking it for a silo that did not answer).
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.EntityIdPage")]
public sealed record EntityIdPage([property: Id(0)] string[] EntityIds, [property: Id(1)] int Count, [property: Id(2)] bool PatternTooSlow = false)
{
    public static readonly EntityIdPage TooSlow = new([], 0, PatternTooSlow: true);
}
