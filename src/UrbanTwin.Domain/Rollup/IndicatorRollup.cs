using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Domain.Rollup;

/// <summary>
/// Rolls slow-moving indicators up the tree, one period (year, quarter or month) at a time so that periods are never
/// mixed: additive figures
/// are summed, rates are ratios of sums (never averages of rates). Only complete child figures are added up, and
/// every rolled-up figure carries how many children reported it.
/// </summary>
public static class IndicatorRollup
{
    /// <summary>Figures that add up across children (counts and quantities; FACTS.md §4 and §5).</summary>
    public static readonly HashSet<string> Additive = new(StringComparer.Ordinal)
    {
        "population",          // census count (2020 for the reference data)
        "residentPopulation",  // annual resident-population estimate
        "urbanPopulation",     // annual urban resident population
        // 12345 citizen hotline, per period: the counts behind its rates
        "hotline.calls", "hotline.answered", "hotline.tickets", "hotline.acceptedOnTime", "hotline.completedOnTime",
        "hotline.resolvedDirectly", "hotline.resolved", "hotline.surveyed", "hotline.satisfied",
        // urban renewal and resilience, per year
        "renewal.communitiesRenovated", "renewal.householdsRenovated", "renewal.urbanVillageProjects",
        "renewal.gasPipelineKm", "renewal.waterPipelineKm", "renewal.drainagePipelineKm", "renewal.heatingPipelineKm",
        "resilience.waterloggingPointsEliminated", "resilience.pumpingCapacity",
        "green.newBuildingArea", "green.greenBuildingArea",
    };

    /// <summary>Rates derived as Σ numerator / Σ denominator × scale over children reporting both for the period.</summary>
    public static readonly RatioIndicator[] Ratios =
    [
        new("urbanizationRate", "urbanPopulation", "residentPopulation", 100),
        new("hotline.connectionRate", "hotline.answered", "hotline.calls", 100),
        new("hotline.onTimeAcceptanceRate", "hotline.acceptedOnTime", "hotline.tickets", 100),
        new("hotline.onTimeCompletionRate", "hotline.completedOnTime", "hotline.tickets", 100),
        new("hotline.directResolutionRate", "hotline.resolvedDirectly", "hotline.tickets", 100),
        new("hotline.resolutionRate", "hotline.resolved", "hotline.tickets", 100),
        new("hotline.satisfactionRate", "hotline.satisfied", "hotline.surveyed", 100),
        new("green.greenBuildingShare", "green.greenBuildingArea", "green.newBuildingArea", 100),
    ];

    public sealed record RatioIndicator(string Name, string Numerator, string Denominator, double Scale);

    /// <summary>
    /// The node's own figures, the rates of its own counts, and, for every (indicator, period) it does not report,
    /// the roll-up of its children.
    /// </summary>
    public static IndicatorPoint[] Compute(IndicatorFact[] own, IReadOnlyCollection<NodeSummary> children, int childCount)
    {
        var points = new Dictionary<(string Name, string Period), IndicatorPoint>();
        foreach (var fact in own)
        {
            points[(fact.Name, fact.PeriodKey)] = new IndicatorPoint(fact.Name, fact.Year, fact.Value, Reported: true, 0, 0, fact.Period);
        }
        // A node that reports both counts of a rate has that rate as its own figure.
        foreach (var ratio in Ratios)
        {
            foreach (var numerator in own.Where(f => f.Name == ratio.Numerator))
            {
                if (own.FirstOrDefault(f => f.Name == ratio.Denominator && f.PeriodKey == numerator.PeriodKey) is { Value: > 0 } denominator)
                {
                    points.TryAdd((ratio.Name, numerator.PeriodKey), new IndicatorPoint(ratio.Name, numerator.Year,
                        Math.Round(numerator.Value / denominator.Value * ratio.Scale, 2), Reported: true, 0, 0, numerator.Period));
                }
            }
        }
        if (childCount == 0 || children.Count == 0)
        {
            return Ordered(points);
        }

        // Complete child figures by (name, period).
        var sums = new Dictionary<(string Name, string Period), (double Sum, int Reporting, int Year, string? Period)>();
        var complete = new List<Dictionary<(string, string), double>>(children.Count);
        foreach (var child in children)
        {
            var mine = new Dictionary<(string, string), double>();
            foreach (var point in child.Indicators)
            {
                if (!point.IsComplete)
                {
                    continue;
                }
                mine[(point.Name, point.PeriodKey)] = point.Value;
                if (Additive.Contains(point.Name))
                {
                    var key = (point.Name, point.PeriodKey);
                    var (sum, reporting, _, _) = sums.GetValueOrDefault(key);
                    sums[key] = (sum + point.Value, reporting + 1, point.Year, point.Period);
                }
            }
            complete.Add(mine);
        }

        foreach (var ((name, periodKey), (sum, reporting, year, period)) in sums)
        {
            points.TryAdd((name, periodKey), new IndicatorPoint(name, year, sum, Reported: false, reporting, childCount, period));
        }

        foreach (var ratio in Ratios)
        {
            var periods = sums.Keys.Where(k => k.Name == ratio.Numerator).Select(k => (k.Period, sums[k].Year, sums[k].Period)).Distinct();
            foreach (var (periodKey, year, period) in periods)
            {
                double numerator = 0, denominator = 0;
                var reporting = 0;
                foreach (var child in complete)
                {
                    if (child.TryGetValue((ratio.Numerator, periodKey), out var n) && child.TryGetValue((ratio.Denominator, periodKey), out var d) && d > 0)
                    {
                        numerator += n;
                        denominator += d;
                        reporting++;
                    }
                }
                if (reporting > 0)
                {
                    var value = Math.Round(numerator / denominator * ratio.Scale, 2);
                    points.TryAdd((ratio.Name, periodKey), new IndicatorPoint(ratio.Name, year, value, Reported: false, reporting, childCount, period));
                }
            }
        }

        return Ordered(points);
    }

    private static IndicatorPoint[] Ordered(Dictionary<(string Name, string Period), IndicatorPoint> points) =>
        [.. points.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.PeriodKey, StringComparer.Ordinal)];

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
            var byPeriod = a.Year != b.Year ? a.Year.CompareTo(b.Year) : string.CompareOrdinal(a.PeriodKey, b.PeriodKey);
            return byPeriod > 0 || (byPeriod == 0 && a.Reported && !b.Reported);
        }
    }
}
