using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Storage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using UrbanTwin.Contracts.Geo;
using UrbanTwin.Domain.Geo;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Domain.Rollup;

namespace UrbanTwin.Grains.Rollup;

[GenerateSerializer, Alias("ut.DistrictState")]
public sealed class DistrictState : AggregateState
{
    /// <summary>Each asset's latest contribution, keyed by asset id: replaced, never added to.</summary>
    [Id(0)] public Dictionary<string, AssetContribution> Assets { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The assets' alarms by alarm id, replaced by version: open ones, and cleared ones for the retention.</summary>
    [Id(1)] public Dictionary<string, AlarmRecord> Alarms { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A district (or county): the lowest node, holding its assets' contributions and an index to search them.</summary>
public sealed class DistrictGrain(
    [PersistentState("district", StorageNames.Default)] IPersistentState<DistrictState> store,
    LiveStore statusStore,
    TimeProvider clock,
    IOptions<RollupOptions> options,
    IOptions<StorageOptions> storage,
    SiloMetrics metrics,
    ILogger<DistrictGrain> logger) : AggregateGrain<DistrictState>(store, statusStore, clock, options, storage, metrics, logger), IDistrictGrain
{
    /// <summary>Cleared alarms are listed for a day, and at most this many per district (oldest go first).</summary>
    public static readonly TimeSpan ClearedRetention = TimeSpan.FromHours(24);
    public const int MaxClearedAlarms = 1000;

    private string[]? _sortedIds;
    private AssetPoints? _points;
    private DistrictTally? _tally; // built from the state on first use, then kept with it
    private DateTimeOffset _changedAt;
    private int _clearedCount = -1;

    public async Task Report(AssetContribution contribution, TwinEvent[]? events = null)
    {
        if (events is { Length: > 0 })
        {
            PassOn(events); // facts that happened, even when a newer contribution overtook this one
        }
        if (State.Assets.TryGetValue(contribution.AssetId, out var held) && held.Version >= contribution.Version)
        {
            return; // a duplicate, a retry or an older message overtaken by a newer one
        }
        State.Assets[contribution.AssetId] = contribution;
        _tally?.Set(contribution);
        if (held is null || held.Location != contribution.Location)
        {
            _points = null; // joined or moved: the location index is built again on the next geo query
        }
        var alarmsChanged = KeepAlarms(contribution.Alarms);
        _changedAt = Clock.GetUtcNow();
        // A new asset, a status or an alarm count that changed goes up at once; a value alone waits for the interval.
        // The alarm list is written soon (cleared alarms stay listed for a day, which no asset pushes again); the
        // contribution itself is a copy its asset pushes again when this grain is activated.
        MarkDirty(urgent: held is null || held.Status != contribution.Status || held.WarningCount != contribution.WarningCount
            || held.AlarmCount != contribution.AlarmCount, cacheOnly: !alarmsChanged);
        if (held is null)
        {
            // Membership is written through: after a crash the district must still know every asset to heal from.
            _sortedIds = null;
            await WriteNowAsync();
        }
    }

    public Task Update(AssetContribution contribution, TwinEvent[]? events = null) => Report(contribution, events);

    public async Task Remove(string assetId, long version)
    {
        if (State.Assets.TryGetValue(assetId, out var held) && held.Version <= version)
        {
            State.Assets.Remove(assetId);
            _tally?.Remove(assetId);
            foreach (var moved in State.Alarms.Values.Where(a => a.AssetId == assetId && a.IsOpen).Select(a => a.Id).ToList())
            {
                State.Alarms.Remove(moved); // open alarms moved with the asset; its new district lists them
            }
            _sortedIds = null;
            _points = null;
            _clearedCount = -1;
            MarkDirty();
            await WriteNowAsync();
        }
    }

    public Task<AssetPage> SearchAssets(AssetQuery query) => Task.FromResult(Page(query.AfterId, query.Limit, query.Kind, query.Status, inPlace: null));

    public Task<AssetNearItem[]> SearchNear(AssetNearQuery query)
    {
        var (minLng, minLat, maxLng, maxLat) = GreatCircle.BoxAround(query.Lng, query.Lat, query.RadiusM);
        var now = Clock.GetUtcNow();
        var nodeId = this.GetPrimaryKeyString();
        var found = new List<AssetNearItem>();
        foreach (var id in Points.InBox(minLng, minLat, maxLng, maxLat))
        {
            var asset = State.Assets[id];
            var distance = GreatCircle.Metres(query.Lng, query.Lat, asset.Location.Lng, asset.Location.Lat);
            if (distance > query.RadiusM || (query.AfterDistanceM is { } after
                && (distance < after || (distance == after && string.CompareOrdinal(id, query.AfterId) <= 0))))
            {
                continue;
            }
            var status = SummaryBuilder.EffectiveStatus(asset, now);
            if ((query.Kind is null || asset.Kind == query.Kind) && (query.Status is not { } wanted || status == wanted))
            {
                found.Add(new AssetNearItem(ListItem(asset, status, nodeId), distance));
            }
        }
        return Task.FromResult(found.OrderBy(f => f.DistanceM).ThenBy(f => f.Item.Id, StringComparer.Ordinal).Take(query.Limit).ToArray());
    }

    /// <summary>The assets in the area, in id order after the cursor (see <see cref="Page"/>).</summary>
    public Task<AssetPage> SearchArea(AssetAreaQuery query)
    {
        var area = PreparedGeometryFactory.Prepare(Shapes.ToGeometry(query.Area));
        var box = area.Geometry.EnvelopeInternal;
        return Task.FromResult(Page(query.AfterId, query.Limit, query.Kind, query.Status, asset =>
        {
            var (lng, lat) = (asset.Location.Lng, asset.Location.Lat);
            if (lng < box.MinX || lng > box.MaxX || lat < box.MinY || lat > box.MaxY)
            {
                return false;
            }
            var point = Shapes.Factory.CreatePoint(new Coordinate(lng, lat));
            return query.IncludeEdge ? area.Covers(point) : area.ContainsProperly(point);
        }));
    }

    /// <summary>
    /// One page of assets in id order after <paramref name="afterId"/>: walked in the id index and stopped at the
    /// page's end, so a first page costs about its own length when most assets match (no sort per query).
    /// </summary>
    private AssetPage Page(string? afterId, int limit, string? kind, AssetStatus? status, Func<AssetContribution, bool>? inPlace)
    {
        var ids = SortedIds;
        var start = 0;
        if (afterId is not null)
        {
            start = Array.BinarySearch(ids, afterId, StringComparer.Ordinal);
            start = start >= 0 ? start + 1 : ~start;
        }
        var now = Clock.GetUtcNow();
        var nodeId = this.GetPrimaryKeyString();
        var items = new List<AssetListItem>(Math.Min(limit, 256));
        for (var i = start; i < ids.Length; i++)
        {
            var asset = State.Assets[ids[i]];
            if (kind is not null && asset.Kind != kind)
            {
                continue;
            }
            var effective = SummaryBuilder.EffectiveStatus(asset, now);
            if ((status is { } wanted && effective != wanted) || (inPlace is not null && !inPlace(asset)))
            {
                continue;
            }
            if (items.Count == limit)
            {
                return new AssetPage([.. items], HasMore: true);
            }
            items.Add(ListItem(asset, effective, nodeId));
        }
        return new AssetPage([.. items], HasMore: false);
    }

    private string[] SortedIds => _sortedIds ??= [.. State.Assets.Keys.Order(StringComparer.Ordinal)];

    private AssetPoints Points => _points ??= new AssetPoints(State.Assets.Values);

    private static AssetListItem ListItem(AssetContribution asset, AssetStatus status, string nodeId) =>
        new(asset.AssetId, asset.Kind, nodeId, asset.Name, asset.Location, status, asset.WarningCount + asset.AlarmCount, asset.LastReadingAt);

    /// <summary>
    /// The assets matching an NGSI-LD query: those it names by id, or those in the geo-query's box, or all; each tried
    /// on its contribution; the matches' entity ids sorted, the first <c>Take</c> answered with the count.
    /// </summary>
    public Task<EntityIdPage> QueryEntities(AssetEntityQuery query)
    {
        try
        {
            return Task.FromResult(MatchEntities(query));
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return Task.FromResult(EntityIdPage.TooSlow);
        }
    }

    private EntityIdPage MatchEntities(AssetEntityQuery query)
    {
        var matcher = new AssetEntityMatcher(query);
        var candidates = matcher.AssetIds is { } ids ? ids.Select(State.Assets.GetValueOrDefault).OfType<AssetContribution>()
            : matcher.Bounds is { } box ? Points.InBox(box.MinLng, box.MinLat, box.MaxLng, box.MaxLat).Select(id => State.Assets[id])
            : State.Assets.Values;
        var now = Clock.GetUtcNow();
        var nodeId = this.GetPrimaryKeyString();
        var found = new List<string>();
        foreach (var asset in candidates)
        {
            if (matcher.Match(asset, now, nodeId) is { } entityId)
            {
                found.Add(entityId);
            }
        }
        found.Sort(StringComparer.Ordinal);
        return new EntityIdPage([.. found.Take(query.Take)], found.Count);
    }

    public Task<AlarmRecord[]> SearchAlarms(AlarmQuery query)
    {
        var oldestCleared = Clock.GetUtcNow() - ClearedRetention;
        var matches = State.Alarms.Values
            .Where(a => (a.IsOpen || a.ClearedAt >= oldestCleared)
                && (query.State is not { } state || a.State == state)
                && (query.Level is not { } level || a.Level == level)
                && (query.BeforeRaisedAt is not { } before || a.RaisedAt < before
                    || (a.RaisedAt == before && string.CompareOrdinal(a.Id, query.BeforeId) < 0)))
            .OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.Id, StringComparer.Ordinal)
            .Take(query.Limit)
            .ToArray();
        return Task.FromResult(matches);
    }

    /// <summary>Takes the newer version of each alarm; drops the oldest cleared ones beyond the cap. True when the list changed.</summary>
    private bool KeepAlarms(AlarmRecord[] alarms)
    {
        var changed = false;
        if (_clearedCount < 0)
        {
            _clearedCount = State.Alarms.Values.Count(a => !a.IsOpen);
        }
        foreach (var alarm in alarms)
        {
            if (State.Alarms.TryGetValue(alarm.Id, out var held) && held.Version >= alarm.Version)
            {
                continue;
            }
            State.Alarms[alarm.Id] = alarm;
            _clearedCount += !alarm.IsOpen && (held is null || held.IsOpen) ? 1 : 0;
            changed = true;
        }
        if (_clearedCount > MaxClearedAlarms)
        {
            foreach (var old in State.Alarms.Values.Where(a => !a.IsOpen).OrderBy(a => a.ClearedAt).Take(_clearedCount - MaxClearedAlarms).ToList())
            {
                State.Alarms.Remove(old.Id);
            }
            _clearedCount = MaxClearedAlarms;
        }
        return changed;
    }

    public override Task<NodeSummary[]> GetChildren() => Task.FromResult(Array.Empty<NodeSummary>());

    protected override Task RefreshChildrenAsync()
    {
        foreach (var assetId in State.Assets.Keys)
        {
            _ = GrainFactory.ByKey<IAssetGrain>(assetId).Refresh(); // one-way: nothing to wait for
        }
        return Task.CompletedTask;
    }

    protected override void OnDefined(string[] childIds)
    {
    }

    protected override NodeSummary Compute(NodeDefinition definition, DateTimeOffset now, long version) =>
        SummaryBuilder.ForDistrict(definition, Tally, now, version, _changedAt);

    private DistrictTally Tally
    {
        get
        {
            if (_tally is null)
            {
                _tally = new DistrictTally();
                foreach (var asset in State.Assets.Values)
                {
                    _tally.Set(asset);
                }
            }
            return _tally;
        }
    }

    /// <summary>True when an asset counted as live at <paramref name="computedAt"/> has gone silent by <paramref name="now"/>.</summary>
    protected override bool ExpiredSince(DateTimeOffset computedAt, DateTimeOffset now) => Tally.AnySilencedBetween(computedAt, now);
}
