using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Geo;

namespace UrbanTwin.Contracts.Webhooks;

/// <summary>
/// What makes a webhook subscription an NGSI-LD one (ETSI GS CIM 009 clause 5.2.12): the entities it watches (asset
/// kinds, ids, an id pattern), the attributes whose change notifies (<see cref="Watched"/>, the twin's names; null:
/// any), a <see cref="Q"/> with its names translated to the twin's (<see cref="Names"/>), a geo-query, and how a
/// notification is written: which attributes, simplified or normalized, JSON or JSON-LD, the names as
/// <see cref="Terms"/> writes them (the twin's name of a type or attribute to its term in the subscriber's context,
/// worked out when it subscribed) and that context's URL. <see cref="Document"/> is the subscription as written (without its <c>@context</c>), answered back on a read.
/// </summary>
[GenerateSerializer, Immutable, Alias("ut.NgsiLdSubscription")]
public sealed record NgsiLdSubscription(
    [property: Id(0)] EntitySelector[] Entities,
    [property: Id(1)] string[]? Watched,
    [property: Id(2)] string? Q,
    [property: Id(3)] Dictionary<string, string>? Names,
    [property: Id(4)] EntityGeoQuery? Geo,
    [property: Id(5)] string[]? Attributes,
    [property: Id(6)] bool KeyValues,
    [property: Id(7)] bool JsonLd,
    [property: Id(8)] string ContextUrl,
    [property: Id(9)] Dictionary<string, string> Terms,
    [property: Id(10)] int? ThrottlingSeconds,
    [property: Id(11)] DateTimeOffset? ExpiresAt,
    [property: Id(12)] string Document);
