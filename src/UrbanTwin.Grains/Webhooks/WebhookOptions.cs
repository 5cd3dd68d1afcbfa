using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Grains.Webhooks;

/// <summary>How webhooks are delivered (section <c>Webhooks</c>). The gateway reads the target rules of the same section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    public static readonly TimeSpan[] DefaultRetrySchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1),
        TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromHours(24),
    ];

    /// <summary>A delivery that gets no 2xx within this time failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an active subscription looks for new events in the log (its delivery latency's floor).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest one delivery turn goes on draining a backlog before it lets the subscription's other calls in.</summary>
    public TimeSpan TurnBudget { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events taken from the log at a time.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Deliveries in flight at once per subscription (to different assets; one asset's events go one at a time, in order).</summary>
    public int MaxInFlight { get; set; } = 8;

    /// <summary>The waits before each retry; after the last the event is dead-lettered. Default 5 s, 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, 12 h, 24 h.</summary>
    public TimeSpan[]? RetrySchedule { get; set; }

    public IReadOnlyList<TimeSpan> Retries => RetrySchedule is { Length: > 0 } schedule ? schedule : DefaultRetrySchedule;

    /// <summary>A subscription is disabled after this many failed attempts in a row ...</summary>
    public int DisableAfterFailures { get; set; } = 50;

    /// <summary>... when the first of them is at least this old.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the previous secret keeps signing after a rotation.</summary>
    public TimeSpan SecretGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Dead letters kept per subscription; the oldest go first (and are counted in the log).</summary>
    public int MaxDeadLetters { get; set; } = 1000;

    /// <summary>How often every silo makes sure each subscription is active (after a silo died, its subscriptions resume within this).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the delivery status (counters, last error) is saved while it changes; dead letters are saved at once.</summary>
    public TimeSpan StatusSaveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Allow targets on loopback, private and link-local addresses (local runs and tests only).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Hosts that may resolve to private addresses even so (an in-cluster receiver).</summary>
    public string[]? AllowedHosts { get; set; }
}

public sealed class WebhookRules : SettingsRules<WebhookOptions>
{
    protected override string Section => WebhookOptions.Section;

    protected override IEnumerable<(bool, string, string)> Rules(WebhookOptions o) =>
    [
        Positive(o.Timeout, nameof(o.Timeout)),
        Positive(o.PollInterval, nameof(o.PollInterval)),
        Positive(o.TurnBudget, nameof(o.TurnBudget)),
        Between(o.BatchSize, 1, 10_000, nameof(o.BatchSize)),
        Between(o.MaxInFlight, 1, 256, nameof(o.MaxInFlight)),
        (o.Retries.All(d => d > TimeSpan.Zero), nameof(o.RetrySchedule), "must hold positive waits"),
        Between(o.DisableAfterFailures, 1, int.MaxValue, nameof(o.DisableAfterFailures)),
        (o.DisableAfter >= TimeSpan.Zero, nameof(o.DisableAfter), "must not be negative"),
        (o.SecretGrace >= TimeSpan.Zero, nameof(o.SecretGrace), "must not be negative"),
        Between(o.MaxDeadLetters, 1, 100_000, nameof(o.MaxDeadLetters)),
        Positive(o.KeepAliveInterval, nameof(o.KeepAliveInterval)),
        Positive(o.StatusSaveInterval, nameof(o.StatusSaveInterval)),
    ];
}
