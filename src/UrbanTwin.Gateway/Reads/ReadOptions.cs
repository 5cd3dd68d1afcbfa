using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Gateway.Reads;

/// <summary>How operators' reads behave while a grain does not answer (a silo died, a grain is moving): <c>Reads:*</c>.</summary>
public sealed class ReadOptions
{
    public const string Section = "Reads";

    /// <summary>How long a read waits for its grain before answering from the last state this gateway saw (stale).</summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a read of an id this gateway has never seen waits before answering 503: it has nothing older to show.</summary>
    public TimeSpan ColdBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>While a grain does not answer, a new call to it is started at most this often (reads meanwhile join the call in flight).</summary>
    public TimeSpan RetryEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many last-seen states the gateway keeps; past it the least recently read are forgotten.</summary>
    public int MaxItems { get; set; } = 20_000;
}

public sealed class ReadRules : SettingsRules<ReadOptions>
{
    protected override string Section => ReadOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(ReadOptions o) =>
    [
        Positive(o.Budget, nameof(o.Budget)),
        (o.ColdBudget >= o.Budget, nameof(o.ColdBudget), $"must be at least {ReadOptions.Section}:{nameof(o.Budget)}"),
        Positive(o.RetryEvery, nameof(o.RetryEvery)),
        Between(o.MaxItems, 100, 10_000_000, nameof(o.MaxItems)),
    ];
}
