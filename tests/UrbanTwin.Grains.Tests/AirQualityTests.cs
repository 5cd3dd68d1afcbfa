using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Grains.Tests;

/// <summary>HJ 633-2012 as FACTS.md §3 gives it: the breakpoint table, the worked example and the footnotes.</summary>
public class AirQualityTests
{
    [Theory]
    // Every breakpoint of the hourly scales gives its IAQI exactly (no rounding noise pushing 50 to 51).
    [InlineData("pm25", 35, 50)] [InlineData("pm25", 75, 100)] [InlineData("pm25", 115, 150)] [InlineData("pm25", 150, 200)]
    [InlineData("pm25", 250, 300)] [InlineData("pm25", 350, 400)] [InlineData("pm25", 500, 500)]
    [InlineData("pm10", 50, 50)] [InlineData("pm10", 150, 100)] [InlineData("pm10", 420, 300)] [InlineData("pm10", 600, 500)]
    [InlineData("so2", 150, 50)] [InlineData("so2", 500, 100)] [InlineData("so2", 650, 150)] [InlineData("so2", 800, 200)]
    [InlineData("no2", 100, 50)] [InlineData("no2", 200, 100)] [InlineData("no2", 2340, 300)] [InlineData("no2", 3840, 500)]
    [InlineData("co", 5, 50)] [InlineData("co", 10, 100)] [InlineData("co", 90, 300)] [InlineData("co", 150, 500)]
    [InlineData("o3", 160, 50)] [InlineData("o3", 200, 100)] [InlineData("o3", 800, 300)] [InlineData("o3", 1200, 500)]
    [InlineData("pm25", 0, 0)]
    public void A_concentration_on_a_breakpoint_gives_the_IAQI_of_that_row(string pollutant, double concentration, int expected)
    {
        Assert.Equal((expected, false), AirQuality.Iaqi(pollutant, concentration));
    }

    [Fact]
    public void The_worked_example_PM25_80_is_IAQI_107_lightly_polluted_with_PM25_primary()
    {
        Assert.Equal((107, false), AirQuality.Iaqi("pm25", 80)); // 106.25, rounded up
        var aqi = AirQuality.Compute(new Dictionary<string, double> { ["pm25"] = 80, ["pm10"] = 60, ["so2"] = 10, ["no2"] = 30, ["co"] = 0.8, ["o3"] = 90 })!;
        Assert.Equal(107, aqi.Value);
        Assert.Equal(("lightly polluted", "轻度污染", "#FF7E00"), (aqi.Category, aqi.CategoryZh, aqi.Color));
        Assert.Equal(["pm25"], aqi.Primary);
    }

    [Fact]
    public void Between_breakpoints_the_IAQI_is_interpolated_and_rounded_up()
    {
        Assert.Equal(1, AirQuality.Iaqi("pm25", 0.1).Iaqi);     // 0.14… → 1
        Assert.Equal(51, AirQuality.Iaqi("pm25", 35.01).Iaqi);  // 50.0125 → 51
        Assert.Equal(55, AirQuality.Iaqi("pm10", 60).Iaqi);     // 50 + 50 × 10/100 = 55 exactly
    }

    [Fact]
    public void SO2_above_800_in_one_hour_takes_its_IAQI_from_the_24_hour_row()
    {
        // The 1-hour row ends at 800 (IAQI 200); 1,200 on the 24-hour row is 200 + 100 × 400/800 = 250.
        Assert.Equal((250, false), AirQuality.Iaqi("so2", 1200));
        Assert.Equal((201, false), AirQuality.Iaqi("so2", 801)); // continuous at the switch: 200.125 → 201
    }

    [Fact]
    public void Beyond_the_top_breakpoint_the_IAQI_is_500_and_reported_beyond_the_scale()
    {
        Assert.Equal((500, true), AirQuality.Iaqi("pm25", 501));
        Assert.Equal((500, true), AirQuality.Iaqi("so2", 3000));
        var aqi = AirQuality.Compute(new Dictionary<string, double> { ["pm10"] = 900, ["pm25"] = 40 })!;
        Assert.True(aqi.BeyondScale);
        Assert.Equal((500, "severely polluted", "#7E0023"), (aqi.Value, aqi.Category, aqi.Color));
    }

    [Theory]
    [InlineData(0, "excellent")] [InlineData(50, "excellent")] [InlineData(51, "good")] [InlineData(100, "good")]
    [InlineData(101, "lightly polluted")] [InlineData(150, "lightly polluted")] [InlineData(151, "moderately polluted")]
    [InlineData(200, "moderately polluted")] [InlineData(201, "heavily polluted")] [InlineData(300, "heavily polluted")]
    [InlineData(301, "severely polluted")] [InlineData(500, "severely polluted")]
    public void Categories_follow_the_AQI_bands(int aqi, string category) => Assert.Equal(category, AirQuality.Category(aqi).Category);

    [Fact]
    public void There_is_no_primary_pollutant_at_50_or_below_and_ties_are_all_listed()
    {
        Assert.Empty(AirQuality.Compute(new Dictionary<string, double> { ["pm25"] = 35, ["pm10"] = 50 })!.Primary);
        Assert.Equal(["pm25", "pm10"], AirQuality.Compute(new Dictionary<string, double> { ["pm25"] = 75, ["pm10"] = 150 })!.Primary);
        Assert.Null(AirQuality.Compute(new Dictionary<string, double> { ["gasLel"] = 10 }));
    }

    [Fact]
    public void A_node_AQI_from_mean_concentrations_differs_from_the_mean_of_station_AQIs()
    {
        // Two stations: PM2.5 20 (IAQI 29) and 140 (IAQI 186). Mean of their AQIs: 107.5; AQI of the mean (80): 107.
        var stations = new[] { 20.0, 140.0 };
        var ofMean = AirQuality.Compute(new Dictionary<string, double> { ["pm25"] = stations.Average() })!.Value;
        var meanOfAqis = stations.Average(c => AirQuality.Iaqi("pm25", c).Iaqi);
        Assert.Equal(107, ofMean);
        Assert.NotEqual(meanOfAqis, ofMean);
    }
}
