using Orleans.Concurrency;

namespace UrbanTwin.Contracts.Topology;

/// <summary>The lowest node: it keeps each asset's latest contribution keyed by asset id and version.</summary>
[Alias("ut.IDistrictGrain")]
public interface IDistrictGrain : INodeGrain
{
    /// <summary>
    /// Replaces the asset's entry when the contribution is newer than the one held; never adds to a total. It
    /// interleaves: registrations waiting for the district's write-through share one write instead of queueing one each.
    /// <paramref name="events"/>, what the asset recorded with this change, go on at once to the live viewers of this
    /// district and of every node above it (<see cref="IRegionGrain.ReportEvents"/>).
    /// </summary>
    [Alias("Report"), AlwaysInterleave]
    Task Report(Assets.AssetContribution contribution, Events.TwinEvent[]? events = null);

    /// <summary>
    /// <see cref="Report"/> without waiting: readings never wait on the roll-up, and an asset is never held up by a
    /// district whose silo just died. A lost update is healed by the next one, or by the district's activation.
    /// </summary>
    [Alias("Update"), OneWay]
    Task Update(Assets.AssetContribution contribution, Events.TwinEvent[]? events = null);

    /// <summary>Drops the asset (it moved to another district), unless a newer contribution has arrived since.</summary>
    [Alias("Remove")]
    Task Remove(string assetId, long version);

    /// <summary>Assets of this district in id order after <see cref="Assets.AssetQuery.AfterId"/>, from the district's own index.</summary>
    [Alias("SearchAssets")]
    Task<Assets.AssetPage> SearchAssets(Assets.AssetQuery query);

    /// <summary>This district's assets near a point, nearest first, from its assets sorted by longitude.</summary>
    [Alias("SearchNear")]
    Task<Geo.AssetNearItem[]> SearchNear(Geo.AssetNearQuery query);

    /// <summary>This district's assets in an area, in id order after <see cref="Geo.AssetAreaQuery.AfterId"/>.</summary>
    [Alias("SearchArea")]
    Task<Assets.AssetPage> SearchArea(Geo.AssetAreaQuery query);

    /// <summary>This district's assets as NGSI-LD entities matching the query: the first ids in order, and the count.</summary>
    [Alias("QueryEntities")]
    Task<Assets.EntityIdPage> QueryEntities(Assets.AssetEntityQuery query);

    /// <summary>This district's alarms (open, and cleared within the retention), newest first, filtered.</summary>
    [Alias("SearchAlarms")]
    Task<Alarms.AlarmRecord[]> SearchAlarms(Alarms.AlarmQuery query);
}
