using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Grains.Rollup;

/// <summary>
/// Rolls slow-moving indicators up the tree, one year at a time so that years are never mixed: additive figures
/// are summed, rates are ratios of sums (never averages of rates). Only complete child figures are added up, and
/// every rolled-up figure carries how many children reported it.
/// </summary>
public static class IndicatorRollup
{
    /// <summary>Figures that add up across children.</summary>
    public static readonly HashSet<string> Additive = new(StringComparer.Ordinal)
    {
        "population",          // census count (2020 for the reference data)
        "residentPopulation",  // annual resident-population estimate
        "urbanPopulation",     // annual urban resident population
    };

    /// <summary>Rates derived as Σ numerator / Σ denominator × scale over children reporting both for the year.</summary>
    public static readonly RatioIndicator[] Ratios =
    [
        new("urbanizationRate", "urbanPopulation", "residentPopulation", 100),
    ];

    public sealed record RatioIndicator(string Name, string Numerator, string Denominator, double Scale);

    /// <summary>The node's own figures plus, for every (indicator, year) it does not report, the roll-up of its children.</summary>
    public static IndicatorPoint[] Compute(IndicatorFact[] own, IReadOnlyCollection<NodeSummary> children, int childCount)
    {
        var points = new Dictionary<(string Name, int Year), IndicatorPoint>();
        foreach (var fact in own)
        {
            points[(fact.Name, fact.Year)] = new IndicatorPoint(fact.Name, fact.Year, fact.Value, Reported: true, 0, 0);
        }
        if (childCount == 0 || children.Count == 0)
        {
            return [.. points.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Year)];
        }

        // Complete child figures by (name, year).
        var sums = new Dictionary<(string Name, int Year), (double Sum, int Reporting)>();
        var complete = new List<Dictionary<(string, int), double>>(children.Count);
        foreach (var child in children)
        {
            var mine = new Dictionary<(string, int), double>();
            foreach (var point in child.Indicators)
            {
                if (!point.IsComplete)
                {
                    continue;
                }
                mine[(point.Name, point.Year)] = point.Value;
                if (Additive.Contains(point.Name))
                {
                    var key = (point.Name, point.Year);
                    var (sum, reporting) = sums.GetValueOrDefault(key);
                    sums[key] = (sum + point.Value, reporting + 1);
                }
            }
            complete.Add(mine);
        }

        foreach (var ((name, year), (sum, reporting)) in sums)
        {
            points.TryAdd((name, year), new IndicatorPoint(name, year, sum, Reported: false, reporting, childCount));
        }

        foreach (var ratio in Ratios)
        {
            var years = complete.SelectMany(c => c.Keys).Where(k => k.Item1 == ratio.Numerator).Select(k => k.Item2).Distinct();
            foreach (var year in years)
            {
                double numerator = 0, denominator = 0;
                var reporting = 0;
                foreach (var child in complete)
                {
                    if (child.TryGetValue((ratio.Numerator, year), out var n) && child.TryGetValue((ratio.Denominator, year), out var d) && d > 0)
                    {
                        numerator += n;
                        denominator += d;
                        reporting++;
                    }
                }
                if (reporting > 0)
                {
                    var value = Math.Round(numerator / denominator * ratio.Scale, 2);
                    points.TryAdd((ratio.Name, year), new IndicatorPoint(ratio.Name, year, value, Reported: false, reporting, childCount));
                }
            }
        }

        return [.. points.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Year)];
    }

    /// <summary>
    /// The one figure to show for an indicator: the latest complete one (reported, or rolled up from every child);
    /// failing that, the partial roll-up with the best coverage, the latest year breaking ties.
    /// </summary>
    public static IndicatorPoint? Headline(IEnumerable<IndicatorPoint> pointsOfOneIndicator)
    {
        IndicatorPoint? best = null;
        foreach (var point in pointsOfOneIndicator)
        {
            if (best is null || Better(point, best))
            {
                best = point;
            }
        }
        return best;

        static bool Better(IndicatorPoint a, IndicatorPoint b)
        {
            if (a.IsComplete != b.IsComplete)
            {
                return a.IsComplete;
            }
            if (!a.IsComplete && a.Reporting != b.Reporting)
            {
                return a.Reporting > b.Reporting;
            }
            return a.Year > b.Year || (a.Year == b.Year && a.Reported && !b.Reported);
        }
    }
}
