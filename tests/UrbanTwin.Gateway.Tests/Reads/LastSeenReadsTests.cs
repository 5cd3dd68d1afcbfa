using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using UrbanTwin.Gateway.Reads;

namespace UrbanTwin.Gateway.Tests.Reads;

/// <summary>The read path's promise: never wait on a dead silo longer than the budget, when there is anything to show.</summary>
public sealed class LastSeenReadsTests
{
    private static readonly ReadOptions Options = new()
    {
        Budget = TimeSpan.FromMilliseconds(250), ColdBudget = TimeSpan.FromSeconds(5), RetryEvery = TimeSpan.FromSeconds(1), MaxItems = 100,
    };

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-02T08:00:00Z"));
    private readonly LastSeenReads _reads;

    public LastSeenReadsTests() => _reads = new LastSeenReads(Microsoft.Extensions.Options.Options.Create(Options), _clock);

    [Fact]
    public async Task A_grain_that_answers_gives_a_fresh_value()
    {
        var read = await _reads.GetAsync("node:taiyuan", () => Task.FromResult<string?>("v1"));
        Assert.Equal(("v1", false), (read.Value, read.Stale));
    }

    [Fact]
    public async Task A_grain_that_hangs_is_answered_from_the_last_value_seen_once_the_budget_passes()
    {
        await _reads.GetAsync("node:taiyuan", () => Task.FromResult<string?>("v1"));
        var seenAt = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromSeconds(10));

        var hanging = new TaskCompletionSource<string?>();
        var pending = _reads.GetAsync("node:taiyuan", () => hanging.Task);
        Assert.False(pending.IsCompleted);
        _clock.Advance(Options.Budget - TimeSpan.FromMilliseconds(1));
        Assert.False(pending.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        var read = await pending;
        Assert.Equal(("v1", true, seenAt), (read.Value, read.Stale, read.AsOf));
    }

    [Fact]
    public async Task A_grain_on_a_dead_silo_is_answered_stale_at_once()
    {
        await _reads.GetAsync("asset:a-1", () => Task.FromResult<string?>("v1"));
        var read = await _reads.GetAsync<string?>("asset:a-1", () => throw new SiloUnavailableException("gone"));
        Assert.Equal(("v1", true), (read.Value, read.Stale));
    }

    [Fact]
    public async Task An_id_never_seen_waits_the_cold_budget_then_is_unavailable()
    {
        var hanging = new TaskCompletionSource<string?>();
        var pending = _reads.GetAsync("asset:never-seen", () => hanging.Task);
        _clock.Advance(Options.Budget);
        Assert.False(pending.IsCompleted);
        _clock.Advance(Options.ColdBudget - Options.Budget);
        await Assert.ThrowsAsync<ReadUnavailableException>(() => pending);
    }

    [Fact]
    public async Task A_bug_is_not_hidden_behind_a_stale_answer()
    {
        await _reads.GetAsync("asset:a-1", () => Task.FromResult<string?>("v1"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _reads.GetAsync<string?>("asset:a-1", () => throw new InvalidOperationException("bug")));
    }

    [Fact]
    public async Task Reads_join_the_call_in_flight_and_a_new_call_starts_at_most_every_retry_interval()
    {
        await _reads.GetAsync("node:shanxi", () => Task.FromResult<string?>("v1"));
        var calls = 0;
        var hanging = new TaskCompletionSource<string?>();
        Task<string?> Hang()
        {
            calls++;
            return hanging.Task;
        }

        for (var i = 0; i < 3; i++)
        {
            var pending = _reads.GetAsync("node:shanxi", Hang);
            _clock.Advance(Options.Budget);
            Assert.True((await pending).Stale);
        }
        Assert.Equal(1, calls); // 750 ms: all three joined the first call
        _clock.Advance(Options.RetryEvery);
        var retried = _reads.GetAsync("node:shanxi", Hang);
        _clock.Advance(Options.Budget);
        await retried;
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_call_that_answers_after_its_read_gave_up_refreshes_the_value()
    {
        await _reads.GetAsync("node:shanxi", () => Task.FromResult<string?>("v1"));
        var slow = new TaskCompletionSource<string?>();
        var pending = _reads.GetAsync("node:shanxi", () => slow.Task);
        _clock.Advance(Options.Budget);
        Assert.Equal("v1", (await pending).Value);

        slow.SetResult("v2");
        var hanging = new TaskCompletionSource<string?>();
        _clock.Advance(Options.RetryEvery);
        var next = _reads.GetAsync("node:shanxi", () => hanging.Task);
        _clock.Advance(Options.Budget);
        Assert.Equal(("v2", true), ((await next).Value, (await next).Stale));
    }

    [Fact]
    public async Task An_older_call_answering_late_does_not_replace_what_a_newer_call_brought()
    {
        await _reads.GetAsync("node:shanxi", () => Task.FromResult<string?>("v1"));
        var older = new TaskCompletionSource<string?>();
        var first = _reads.GetAsync("node:shanxi", () => older.Task);
        _clock.Advance(Options.RetryEvery);
        await first;
        await _reads.GetAsync("node:shanxi", () => Task.FromResult<string?>("v3")); // newer call, answered
        older.SetResult("v2"); // the older one answers last

        var hanging = new TaskCompletionSource<string?>();
        _clock.Advance(Options.RetryEvery);
        var next = _reads.GetAsync("node:shanxi", () => hanging.Task);
        _clock.Advance(Options.Budget);
        Assert.Equal("v3", (await next).Value);
    }

    [Fact]
    public async Task The_number_of_ids_kept_is_bounded()
    {
        for (var i = 0; i < 250; i++)
        {
            await _reads.GetAsync($"asset:a-{i}", () => Task.FromResult<string?>("v"));
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.InRange(_reads.Count, 1, Options.MaxItems);
    }

    [Fact]
    public void Settings_that_would_make_reads_wait_forever_or_never_are_refused_naming_the_key()
    {
        var result = new ReadRules().Validate(null, new ReadOptions { Budget = TimeSpan.Zero, MaxItems = 1 });
        Assert.True(result.Failed);
        Assert.Contains("Reads:Budget", result.FailureMessage);
        Assert.Contains("Reads:MaxItems", result.FailureMessage);
        Assert.True(new ReadRules().Validate(null, new ReadOptions()).Succeeded);
    }
}
