using UrbanTwin.Contracts.Rollup;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.Rollup;
using UrbanTwin.Domain.Rollup;

namespace UrbanTwin.Grains.Tests;

public class IndicatorRollupTests
{
    private static NodeSummary Child(string id, params IndicatorPoint[] points) => new(id, NodeKind.City, id, null, null, "p", 0, null,
        AssetCounts.Empty, AlarmCounts.None, [], points, DateTimeOffset.UnixEpoch, 1);

    private static IndicatorPoint Own(string name, int year, double value) => new(name, year, value, true, 0, 0);

    [Fact]
    public void Rates_are_ratios_of_sums_over_children_reporting_both_in_the_same_year()
    {
        var points = IndicatorRollup.Compute([], [
            Child("a", Own("residentPopulation", 2024, 1000), Own("urbanPopulation", 2024, 900)),
            Child("b", Own("residentPopulation", 2024, 3000), Own("urbanPopulation", 2024, 1500)),
            Child("c", Own("residentPopulation", 2023, 500), Own("urbanPopulation", 2023, 500)),
        ], 3);

        var rate2024 = Assert.Single(points, p => p.Name == "urbanizationRate" && p.Year == 2024);
        Assert.Equal(60.0, rate2024.Value); // (900 + 1500) / (1000 + 3000), not the mean of 90 % and 50 %
        Assert.Equal(2, rate2024.Reporting);
        Assert.Equal(3, rate2024.Children);
        var resident2023 = Assert.Single(points, p => p.Name == "residentPopulation" && p.Year == 2023);
        Assert.Equal((1, 3), (resident2023.Reporting, resident2023.Children));
    }

    [Fact]
    public void Hotline_rates_are_ratios_of_sums_per_month_and_months_are_never_mixed()
    {
        static IndicatorPoint Month(string name, double value, string period) => new(name, 2026, value, true, 0, 0, period);
        var points = IndicatorRollup.Compute([], [
            Child("a", Month("hotline.tickets", 100, "2026-10"), Month("hotline.resolved", 90, "2026-10")),
            Child("b", Month("hotline.tickets", 20, "2026-10"), Month("hotline.resolved", 10, "2026-10"),
                Month("hotline.tickets", 50, "2026-09"), Month("hotline.resolved", 50, "2026-09")),
        ], 2);

        var october = Assert.Single(points, p => p.Name == "hotline.resolutionRate" && p.PeriodKey == "2026-10");
        Assert.Equal(83.33, october.Value); // (90 + 10) / (100 + 20), not the mean of 90 % and 50 %
        Assert.Equal((2, 2), (october.Reporting, october.Children));
        Assert.Equal(120, Assert.Single(points, p => p.Name == "hotline.tickets" && p.PeriodKey == "2026-10").Value);
        var september = Assert.Single(points, p => p.Name == "hotline.resolutionRate" && p.PeriodKey == "2026-09");
        Assert.Equal((100.0, 1), (september.Value, september.Reporting));
        // The headline is the latest complete period.
        Assert.Equal("2026-10", IndicatorRollup.Headline(points.Where(p => p.Name == "hotline.resolutionRate"))!.PeriodKey);
    }

    [Fact]
    public void A_node_reporting_both_counts_has_the_rate_as_its_own_figure()
    {
        var points = IndicatorRollup.Compute([
            new IndicatorFact("hotline.surveyed", 2026, 200, null, "2026-Q3"), new IndicatorFact("hotline.satisfied", 2026, 193, null, "2026-Q3"),
        ], [], 0);
        var rate = Assert.Single(points, p => p.Name == "hotline.satisfactionRate");
        Assert.Equal((96.5, true, "2026-Q3"), (rate.Value, rate.Reported, rate.PeriodKey));
    }

    [Fact]
    public void Partial_child_figures_are_not_added_up_and_own_figures_win()
    {
        var partial = new IndicatorPoint("population", 2020, 999, false, 1, 2);
        var points = IndicatorRollup.Compute([new IndicatorFact("urbanizationRate", 2024, 66.32, "S17")], [
            Child("a", partial, Own("residentPopulation", 2024, 10), Own("urbanPopulation", 2024, 1)),
            Child("b", Own("population", 2020, 5)),
        ], 2);

        Assert.Equal(5, Assert.Single(points, p => p.Name == "population").Value);
        var rate = Assert.Single(points, p => p.Name == "urbanizationRate");
        Assert.True(rate.Reported);
        Assert.Equal(66.32, rate.Value);
    }

    [Fact]
    public void The_headline_is_the_latest_complete_figure_else_the_best_covered()
    {
        var headline = IndicatorRollup.Headline([
            new IndicatorPoint("population", 2020, 100, false, 4, 4),
            new IndicatorPoint("population", 2024, 30, false, 1, 4),
        ]);
        Assert.Equal(2020, headline!.Year);

        var partialOnly = IndicatorRollup.Headline([
            new IndicatorPoint("residentPopulation", 2022, 10, false, 2, 5),
            new IndicatorPoint("residentPopulation", 2024, 30, false, 2, 5),
            new IndicatorPoint("residentPopulation", 2019, 30, false, 1, 5),
        ]);
        Assert.Equal(2024, partialOnly!.Year);
    }
}
