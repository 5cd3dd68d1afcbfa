using System.Text.RegularExpressions;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Domain.Rollup;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Domain.NgsiLd;

/// <summary>
/// An <see cref="AssetEntityQuery"/> prepared once and tried on a district's contributions (a copy of each asset's
/// name, location, status, alarm counts and latest values). What a contribution can answer is
/// <see cref="Answerable"/>; the gateway evaluates anything else (sub-attributes, registered attributes) on the assets.
/// </summary>
public sealed class AssetEntityMatcher
{

    /// <summary>The attributes of an asset entity a contribution holds, besides the kind's metrics.</summary>
    private static readonly HashSet<string> ContributionAttributes = new(StringComparer.Ordinal)
    {
        "name", "status", "location", "activeAlarms", "containedIn", "airQualityIndex", "airQualityLevel",
    };

    private static readonly HashSet<string> MetricNames = [.. AssetCatalog.Kinds.SelectMany(k => k.Metrics).Select(m => m.Name)];

    private readonly (HashSet<string>? Kinds, HashSet<string>? Ids, Regex? Pattern)[] _selectors;
    private readonly QueryExpression? _q;
    private readonly string[]? _attrs;
    private readonly PointGeoFilter? _geo;

    public AssetEntityMatcher(AssetEntityQuery query)
    {
        _selectors = [.. query.Entities.Select(s => (
            s.Kinds is null ? null : new HashSet<string>(s.Kinds, StringComparer.Ordinal),
            s.EntityIds is null ? null : new HashSet<string>(s.EntityIds, StringComparer.Ordinal),
            s.IdPattern is null ? null : new Regex(s.IdPattern, RegexOptions.CultureInvariant, QueryExpression.PatternTimeout)))];
        if (query.Q is { } q)
        {
            var names = query.Names ?? [];
            _q = QueryExpression.Parse(q).MapPaths(p => p with { Names = [names.GetValueOrDefault(p.Attribute, p.Attribute), .. p.Names[1..]] });
        }
        _attrs = query.Attrs;
        _geo = query.Geo is { } geo ? new PointGeoFilter(geo) : null;
    }

    /// <summary>True when a contribution can answer for the attribute (as the twin names it): its value, or that it is absent.</summary>
    public static bool Answerable(string attribute) => ContributionAttributes.Contains(attribute) || MetricNames.Contains(attribute);

    /// <summary>The assets the query names by id, when every selector names some (null: any asset may match).</summary>
    public IEnumerable<string>? AssetIds => _selectors.Length > 0 && _selectors.All(s => s.Ids is not null)
        ? _selectors.SelectMany(s => s.Ids!).Select(AssetEntityTypes.Parse).OfType<(string Type, string Key)>().Select(p => p.Key).Distinct(StringComparer.Ordinal)
        : null;

    /// <summary>The box every match lies in, when the query has a geo-query that bounds it.</summary>
    public (double MinLng, double MinLat, double MaxLng, double MaxLat)? Bounds => _geo?.Bounds;

    /// <summary>The asset's entity id when it matches; null otherwise.</summary>
    public string? Match(AssetContribution asset, DateTimeOffset now, string districtId)
    {
        string? entityId = null;
        if (_selectors.Length > 0 && !_selectors.Any(s => Selects(s, asset, ref entityId)))
        {
            return null;
        }
        if (_geo is not null && !_geo.Matches(asset.Location.Lng, asset.Location.Lat))
        {
            return null;
        }
        if (_attrs is not null || _q is not null)
        {
            var target = new ContributionTarget(asset, now, districtId);
            if ((_attrs is not null && !_attrs.Any(a => target.Value(a) is not null)) || (_q is not null && !_q.Matches(target.At)))
            {
                return null;
            }
        }
        return entityId ?? AssetEntityTypes.EntityId(asset.Kind, asset.AssetId);
    }

    private static bool Selects((HashSet<string>? Kinds, HashSet<string>? Ids, Regex? Pattern) selector, AssetContribution asset, ref string? entityId)
    {
        if (selector.Kinds is not null && !selector.Kinds.Contains(asset.Kind))
        {
            return false;
        }
        if (selector.Ids is null && selector.Pattern is null)
        {
            return true;
        }
        entityId ??= AssetEntityTypes.EntityId(asset.Kind, asset.AssetId);
        return (selector.Ids is null || selector.Ids.Contains(entityId)) && (selector.Pattern is null || selector.Pattern.IsMatch(entityId));
    }

    /// <summary>An asset entity's attributes as its contribution holds them, for the query language.</summary>
    private sealed class ContributionTarget(AssetContribution asset, DateTimeOffset now, string districtId)
    {
        private AqiResult? _aqi;
        private bool _aqiComputed;

        public object? At(AttributePath path) => path.Names.Length == 1 && path.Members.Length == 0 ? Value(path.Attribute) : null;

        public object? Value(string attribute) => attribute switch
        {
            "name" => asset.Name,
            "status" => SummaryBuilder.EffectiveStatus(asset, now).ToString().ToLowerInvariant(),
            "activeAlarms" => (double)(asset.WarningCount + asset.AlarmCount),
            "location" => asset.Location, // there, but compared with nothing: q does not test geometries
            "containedIn" => AssetEntityTypes.NodeEntityId(districtId),
            "airQualityIndex" => Aqi?.Value is { } aqi ? (double)aqi : null,
            "airQualityLevel" => Aqi?.Category,
            _ => Latest(attribute),
        };

        private object? Latest(string metric)
        {
            foreach (var sample in asset.Latest)
            {
                if (sample.Metric == metric)
                {
                    return sample.Value;
                }
            }
            return null;
        }

        private AqiResult? Aqi
        {
            get
            {
                if (!_aqiComputed)
                {
                    _aqiComputed = true;
                    _aqi = asset.Kind == AssetCatalog.AirQualityStation ? AirQuality.Compute(asset.Latest.ToDictionary(s => s.Metric, s => s.Value)) : null;
                }
                return _aqi;
            }
        }
    }
}
