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

/// <summary>A bad <c>Reads:*</c> setting stops start-up, naming the key.</summary>
public sealed class ReadOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ReadOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ReadOptions options)
    {
        var errors = new List<string>();
        if (options.Budget <= TimeSpan.Zero)
        {
            errors.Add($"{ReadOptions.Section}:{nameof(ReadOptions.Budget)} must be positive");
        }
        if (options.ColdBudget < options.Budget)
        {
            errors.Add($"{ReadOptions.Section}:{nameof(ReadOptions.ColdBudget)} must be at least {ReadOptions.Section}:{nameof(ReadOptions.Budget)}");
        }
        if (options.RetryEvery <= TimeSpan.Zero)
        {
            errors.Add($"{ReadOptions.Section}:{nameof(ReadOptions.RetryEvery)} must be positive");
        }
        if (options.MaxItems < 100)
        {
            errors.Add($"{ReadOptions.Section}:{nameof(ReadOptions.MaxItems)} must be at least 100");
        }
        return errors.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}
