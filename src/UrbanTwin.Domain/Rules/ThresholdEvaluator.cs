using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Domain.Rules;

/// <summary>Turns a metric value into a level, with hysteresis so a value hovering at a limit does not flap.</summary>
public static class ThresholdEvaluator
{
    /// <summary>
    /// The level a metric is at after <paramref name="value"/>, given the level it was at before. A level rises as
    /// soon as a rule triggers; it falls only when the value has gone back past the limit by the rule's hysteresis.
    /// </summary>
    public static AlarmLevel Evaluate(ReadOnlySpan<ThresholdRule> rules, double value, AlarmLevel previous) // a span: no enumerator per reading
    {
        var raw = AlarmLevel.None;
        foreach (var rule in rules)
        {
            if (rule.Level > raw && Triggers(rule.Op, value, rule.Value))
            {
                raw = rule.Level;
            }
        }

        // Falling: hold the highest level at or below the previous one that still triggers within its band.
        for (var level = previous; level > raw; level--)
        {
            foreach (var rule in rules)
            {
                if (rule.Level == level && Triggers(rule.Op, value, Relaxed(rule)))
                {
                    return level;
                }
            }
        }

        return raw;
    }

    public static bool Triggers(Comparison op, double value, double limit) => op switch
    {
        Comparison.Gte => value >= limit,
        Comparison.Gt => value > limit,
        Comparison.Lte => value <= limit,
        Comparison.Lt => value < limit,
        _ => false,
    };

    /// <summary>The limit moved back by the hysteresis band: lower for upper limits, higher for lower limits.</summary>
    private static double Relaxed(ThresholdRule rule) =>
        rule.Op is Comparison.Gte or Comparison.Gt ? rule.Value - rule.Hysteresis : rule.Value + rule.Hysteresis;

    public static AssetStatus ToStatus(AlarmLevel level) => level switch
    {
        AlarmLevel.Alarm => AssetStatus.Alarm,
        AlarmLevel.Warning => AssetStatus.Warning,
        _ => AssetStatus.Normal,
    };
}
