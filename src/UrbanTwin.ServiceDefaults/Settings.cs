using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace UrbanTwin.ServiceDefaults;

/// <summary>
/// The rules of one settings section, checked when the host starts (<c>ValidateOnStart</c>): a bad value stops
/// start-up with an error naming its key, e.g. "Rollup:UrgentDelay must be at most Rollup:PublishInterval".
/// </summary>
public abstract class SettingsRules<T> : IValidateOptions<T> where T : class
{
    protected abstract string Section { get; }

    /// <summary>Each rule: whether it holds, the key (without the section) and what it requires.</summary>
    protected abstract IEnumerable<(bool Holds, string Key, string Requirement)> Rules(T settings);

    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = Rules(options).Where(r => !r.Holds).Select(r => $"{Section}:{r.Key} {r.Requirement}").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>A time span rule: strictly positive.</summary>
    protected static (bool, string, string) Positive(TimeSpan value, string key) => (value > TimeSpan.Zero, key, "must be positive");

    /// <summary>An integer rule: from <paramref name="min"/> to <paramref name="max"/>.</summary>
    protected static (bool, string, string) Between(long value, long min, long max, string key) =>
        (value >= min && value <= max, key, $"must be from {min} to {max}");
}

public static class SettingsRegistration
{
    /// <summary>Binds <typeparamref name="T"/> to its section and checks it with <typeparamref name="TRules"/> at start-up.</summary>
    public static OptionsBuilder<T> AddSettings<T, TRules>(this IServiceCollection services, IConfigurationSection section)
        where T : class where TRules : class, IValidateOptions<T>
    {
        services.AddSingleton<IValidateOptions<T>, TRules>();
        return services.AddOptions<T>().Bind(section).ValidateOnStart();
    }
}
