using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using UrbanTwin.Grains.Observability;
using UrbanTwin.ServiceDefaults;

namespace UrbanTwin.Grains.Tests;

/// <summary>A warning that repeats per asset or per request: the first at once, the rest summed up once per interval.</summary>
public sealed class RepeatedWarningTests
{
    private sealed class RecordingLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " [" + exception.Message + "]")}");
    }

    [Fact]
    public void The_first_occurrence_is_logged_at_once_and_the_rest_of_the_interval_in_one_summary_line()
    {
        var clock = new FakeTimeProvider();
        var logger = new RecordingLogger();
        var warning = new RepeatedWarning(logger, "Durable writes failed", clock);

        warning.Report(new IOException("redis down"), "asset-1");
        Assert.Equal(["Warning: Durable writes failed: asset-1 [redis down]"], logger.Lines);

        for (var i = 2; i <= 500; i++)
        {
            warning.Report(new IOException("redis down"), $"asset-{i}");
        }
        Assert.Single(logger.Lines); // nothing more within the interval

        clock.Advance(RepeatedWarning.Interval);
        Assert.Equal(2, logger.Lines.Count);
        Assert.Equal("Warning: Durable writes failed: 499 more times in the last 10 s (the last: asset-500)", logger.Lines[1]);

        clock.Advance(RepeatedWarning.Interval * 3);
        Assert.Equal(2, logger.Lines.Count); // a quiet interval logs nothing
        warning.Report(null, "asset-501");
        Assert.Equal("Warning: Durable writes failed: asset-501", logger.Lines[2]); // a new interval starts at once
    }
}
