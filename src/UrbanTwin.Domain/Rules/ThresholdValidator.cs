using UrbanTwin.Contracts.Assets;

namespace UrbanTwin.Domain.Rules;

/// <summary>Checks that a metric's thresholds make sense before they are stored: a warning comes before its alarm.</summary>
public static class ThresholdValidator
{
    /// <summary>Problems with <paramref name="rules"/> for <paramref name="metric"/>; empty when they are consistent.</summary>
    public static IEnumerable<string> Check(MetricDefinition metric, IReadOnlyList<ThresholdRule> rules)
    {
        foreach (var rule in rules)
        {
            if (rule.Level == AlarmLevel.None)
            {
                yield return "level must be 'warning' or 'alarm'";
            }
            if (!double.IsFinite(rule.Value) || !metric.InRange(rule.Value))
            {
                yield return $"value {rule.Value} is outside {metric.Name}'s range {metric.Min}..{metric.Max} {metric.Unit}";
            }
            if (!double.IsFinite(rule.Hysteresis) || rule.Hysteresis < 0)
            {
                yield return "hysteresis must be a finite number ≥ 0";
            }
        }

        foreach (var upper in new[] { true, false })
        {
            var side = rules.Where(r => IsUpper(r.Op) == upper).ToList();
            foreach (var level in new[] { AlarmLevel.Warning, AlarmLevel.Alarm })
            {
                if (side.Count(r => r.Level == level) > 1)
                {
                    yield return $"more than one {level.ToString().ToLowerInvariant()} threshold on the {(upper ? "upper" : "lower")} side";
                }
            }
            var warning = side.FirstOrDefault(r => r.Level == AlarmLevel.Warning);
            var alarm = side.FirstOrDefault(r => r.Level == AlarmLevel.Alarm);
            if (warning is not null && alarm is not null && (upper ? warning.Value >= alarm.Value : warning.Value <= alarm.Value))
            {
                yield return upper
                    ? $"warning ({warning.Value}) must be below alarm ({alarm.Value}) for an upper limit"
                    : $"warning ({warning.Value}) must be above alarm ({alarm.Value}) for a lower limit";
            }
        }
    }

    private static bool IsUpper(Comparison op) => op is Comparison.Gt or Comparison.Gte;
}
