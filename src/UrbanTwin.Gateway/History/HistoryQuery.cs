using System.Globalization;
using UrbanTwin.Domain.History;

namespace UrbanTwin.Gateway.History;

/// <summary>The range, step and aggregate a history request asked for, checked.</summary>
public sealed record HistoryQuery(DateTimeOffset From, DateTimeOffset To, TimeSpan? Step, HistoryAggregate Aggregate)
{
    /// <summary>The steps the API takes: raw (every reading), or buckets.</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan?> Steps = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal)
    {
        ["raw"] = null,
        ["10s"] = TimeSpan.FromSeconds(10),
        ["1m"] = TimeSpan.FromMinutes(1),
        ["1h"] = TimeSpan.FromHours(1),
        ["1d"] = TimeSpan.FromDays(1),
    };

    public string StepName => Steps.First(s => s.Value == Step).Key;

    /// <summary>What <see cref="TryParseInstant"/> takes, for the error that refuses anything else.</summary>
    public const string InstantRequirement = "must be an RFC 3339 time with an offset (2026-11-23T08:00:00Z), now, or relative (-90s, -30m, -24h, -7d, -2w)";

    /// <summary>
    /// An instant: RFC 3339 with an offset (<c>2026-11-23T08:00:00Z</c>), <c>now</c>, or a time relative to now, a minus
    /// sign, a whole number and a unit: <c>-90s</c>, <c>-30m</c>, <c>-24h</c>, <c>-7d</c>, <c>-2w</c>.
    /// </summary>
    public static bool TryParseInstant(string text, DateTimeOffset now, out DateTimeOffset value)
    {
        value = now;
        if (text == "now")
        {
            return true;
        }
        if (text.Length >= 3 && text[0] == '-' && long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count <= 100_000)
        {
            TimeSpan? unit = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                'w' => TimeSpan.FromDays(7),
                _ => null,
            };
            if (unit is { } u)
            {
                value = now - u * count;
                return true;
            }
            return false;
        }
        return DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture,
            DateTimeStyles.None, out value) && (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-');
    }

    public static bool TryParseAggregate(string? text, out HistoryAggregate aggregate)
    {
        aggregate = text switch
        {
            null or "avg" => HistoryAggregate.Avg,
            "min" => HistoryAggregate.Min,
            "max" => HistoryAggregate.Max,
            "last" => HistoryAggregate.Last,
            _ => (HistoryAggregate)(-1),
        };
        return Enum.IsDefined(aggregate);
    }
}
