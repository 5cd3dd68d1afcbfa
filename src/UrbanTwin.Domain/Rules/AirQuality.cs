namespace UrbanTwin.Domain.Rules;

/// <summary>An air quality index per HJ 633-2012: the AQI, its category and colour, and the primary pollutants.</summary>
public sealed record AqiResult(int Value, string Category, string CategoryZh, string Color, string[] Primary, bool BeyondScale,
    IReadOnlyDictionary<string, int> Iaqi);

/// <summary>
/// HJ 633-2012 (FACTS.md §3) for real-time readings. The station metrics are hourly concentrations, so SO2, NO2,
/// CO and O3 use the 1-hour breakpoints and PM2.5 and PM10 (which have no 1-hour row) the 24-hour ones, as the
/// standard's real-time reporting does. Every IAQI and the AQI are rounded up. Two footnotes apply: SO2 above
/// 800 µg/m³ (1 h) takes its IAQI from the 24-hour row (this asset keeps no 24-hour mean, so the hourly value
/// stands in for it); a concentration above the top breakpoint scores 500 and is reported as beyond the scale.
/// </summary>
public static class AirQuality
{
    public const string Pm25 = "pm25";
    public const string Pm10 = "pm10";
    public const string So2 = "so2";
    public const string No2 = "no2";
    public const string Co = "co";
    public const string O3 = "o3";

    /// <summary>The pollutants in the standard's order (used to list tied primary pollutants).</summary>
    public static readonly string[] Pollutants = [Pm25, Pm10, So2, No2, Co, O3];

    private static readonly decimal[] IaqiSteps = [0, 50, 100, 150, 200, 300, 400, 500];

    private static readonly Dictionary<string, decimal[]> HourlyBreakpoints = new(StringComparer.Ordinal)
    {
        [Pm25] = [0, 35, 75, 115, 150, 250, 350, 500], // 24 h row: PM has no 1 h row
        [Pm10] = [0, 50, 150, 250, 350, 420, 500, 600], // 24 h row
        [So2] = [0, 150, 500, 650, 800],                // 1 h row ends at IAQI 200: footnote (a)
        [No2] = [0, 100, 200, 700, 1200, 2340, 3090, 3840],
        [Co] = [0, 5, 10, 35, 60, 90, 120, 150],
        [O3] = [0, 160, 200, 300, 400, 800, 1000, 1200],
    };

    private static readonly decimal[] So2DailyBreakpoints = [0, 50, 150, 475, 800, 1600, 2100, 2620];

    /// <summary>The IAQI of one pollutant's hourly concentration (µg/m³; CO in mg/m³), and whether it is beyond the scale.</summary>
    public static (int Iaqi, bool BeyondScale) Iaqi(string pollutant, double concentration)
    {
        if (!HourlyBreakpoints.TryGetValue(pollutant, out var breakpoints))
        {
            throw new ArgumentException($"'{pollutant}' is not an HJ 633 pollutant.", nameof(pollutant));
        }
        if (!double.IsFinite(concentration) || concentration < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(concentration), concentration, "A concentration is a finite number ≥ 0.");
        }
        var c = (decimal)concentration;
        if (pollutant == So2 && c > 800)
        {
            breakpoints = So2DailyBreakpoints; // footnote (a)
        }
        return Interpolate(breakpoints, c);
    }

    /// <summary>
    /// The AQI of whatever pollutants are present (names as in <see cref="Pollutants"/>; others are ignored), or
    /// null when none is. For a node, pass the mean concentration of its stations per pollutant, not their AQIs.
    /// </summary>
    public static AqiResult? Compute(IReadOnlyDictionary<string, double> concentrations)
    {
        var iaqi = new Dictionary<string, int>(StringComparer.Ordinal);
        var beyond = false;
        foreach (var pollutant in Pollutants)
        {
            if (concentrations.TryGetValue(pollutant, out var c) && double.IsFinite(c) && c >= 0)
            {
                (iaqi[pollutant], var over) = Iaqi(pollutant, c);
                beyond |= over;
            }
        }
        if (iaqi.Count == 0)
        {
            return null;
        }
        var aqi = iaqi.Values.Max();
        var primary = aqi > 50 ? Pollutants.Where(p => iaqi.TryGetValue(p, out var v) && v == aqi).ToArray() : [];
        var (category, categoryZh, color) = Category(aqi);
        return new AqiResult(aqi, category, categoryZh, color, primary, beyond, iaqi);
    }

    /// <summary>A node's AQI: from the mean concentration of its stations per pollutant (HJ 663 practice), never from their AQIs.</summary>
    public static AqiResult? ForNode(IReadOnlyDictionary<string, Contracts.Rollup.MetricStats> metrics)
    {
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var pollutant in Pollutants)
        {
            if (metrics.TryGetValue(pollutant, out var stats) && stats.Count > 0)
            {
                means[pollutant] = stats.Sum / stats.Count;
            }
        }
        return Compute(means);
    }

    /// <summary>The category and colour of an AQI value (FACTS.md §3).</summary>
    public static (string Category, string CategoryZh, string Color) Category(int aqi) => aqi switch
    {
        <= 50 => ("excellent", "优", "#00E400"),
        <= 100 => ("good", "良", "#FFFF00"),
        <= 150 => ("lightly polluted", "轻度污染", "#FF7E00"),
        <= 200 => ("moderately polluted", "中度污染", "#FF0000"),
        <= 300 => ("heavily polluted", "重度污染", "#99004C"),
        _ => ("severely polluted", "严重污染", "#7E0023"),
    };

    /// <summary>Linear between the two breakpoints around <paramref name="c"/>, rounded up (decimal: no binary rounding noise).</summary>
    private static (int, bool) Interpolate(decimal[] breakpoints, decimal c)
    {
        if (c > breakpoints[^1])
        {
            return (500, true);
        }
        for (var i = 1; i < breakpoints.Length; i++)
        {
            if (c <= breakpoints[i])
            {
                var (bpLo, bpHi, iLo, iHi) = (breakpoints[i - 1], breakpoints[i], IaqiSteps[i - 1], IaqiSteps[i]);
                // Multiply before dividing: a concentration on a breakpoint then gives its IAQI exactly (50, not 50.000…1 → 51).
                return ((int)decimal.Ceiling((iHi - iLo) * (c - bpLo) / (bpHi - bpLo) + iLo), false);
            }
        }
        throw new InvalidOperationException("unreachable: c is within the breakpoints");
    }
}
