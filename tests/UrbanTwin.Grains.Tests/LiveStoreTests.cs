using UrbanTwin.Contracts.Storage;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using UrbanTwin.Contracts.Events;
using UrbanTwin.EventLog;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Tests;

/// <summary>
/// The live store's promises without a silo: one write at a time per grain, states staged meanwhile coalesce into the
/// next write with all their events in order, a failed write is tried again with its events, a stale activation is
/// refused and told so, and an event is in the log exactly when its state is stored.
/// </summary>
public sealed class LiveStoreTests
{
    private static readonly GrainId Grain = GrainId.Create("asset", "a-1");

    private sealed record State(int Value);

    private sealed class JsonStateSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input);
        public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>()!;
    }

    private sealed class NewActivators : IActivatorProvider
    {
        public Orleans.Serialization.Activators.IActivator<T> GetActivator<T>() => throw new NotSupportedException("every test state is read from a write");
    }

    /// <summary>A store whose storage answers when the test says, with success, a failure or a conflict.</summary>
    private sealed class ScriptedStore(TimeProvider clock) : LiveStore(new JsonStateSerializer(), new NewActivators(), clock, TimeSpan.FromSeconds(1), TestMetrics.Silo())
    {
        public readonly List<(LiveRecord Record, LiveSnapshot Snapshot, string? Expected)> InFlight = [];
        public readonly List<(int Value, string? Expected, string[] Events)> Written = [];
        private int _etag;

        protected override Task<(byte[]? Payload, string? ETag)> ReadRawAsync(string key) => Task.FromResult<(byte[]?, string?)>((null, null));
        protected override string Key(string stateName, GrainId grainId) => $"{grainId}/{stateName}";

        protected override void Submit(LiveRecord record)
        {
            var (snapshot, expected) = Take(record);
            InFlight.Add((record, snapshot, expected));
        }

        public void Succeed()
        {
            var (record, snapshot, expected) = Next();
            var value = JsonSerializer.Deserialize<State>(snapshot.Payload.Span)!.Value;
            Written.Add((value, expected, [.. (snapshot.Events ?? []).Select(e => e.Id)]));
            Stored(record, snapshot, $"e{++_etag}");
        }

        public void Fail()
        {
            var (record, snapshot, _) = Next();
            Failed(record, snapshot, new RedisGroupCommitException("Redis is away"));
        }

        public void Conflict()
        {
            var (record, snapshot, _) = Next();
            Refused(record, snapshot);
        }

        private (LiveRecord, LiveSnapshot, string?) Next()
        {
            var next = InFlight[0];
            InFlight.RemoveAt(0);
            return next;
        }
    }

    private static TwinEvent Event(string id) => new(id, TwinEventTypes.AlarmRaised, DateTimeOffset.UnixEpoch, "d", "a-1", "gas-pipeline");

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task States_staged_during_a_write_go_together_in_the_next_one_with_all_their_events_in_order()
    {
        var store = new ScriptedStore(_clock);
        var record = new LiveRecord();
        var first = store.WriteAsync("asset", Grain, record, new State(1), [Event("e1")]);
        var second = store.WriteAsync("asset", Grain, record, new State(2), [Event("e2")]);
        var third = store.WriteAsync("asset", Grain, record, new State(3), [Event("e3")]);
        Assert.Single(store.InFlight); // one write at a time

        store.Succeed();
        await first;
        Assert.False(second.IsCompleted);
        Assert.Single(store.InFlight); // the next one started as soon as the first was stored
        store.Succeed();
        await Task.WhenAll(second, third); // both shared it
        Assert.False(record.IsUnwritten);
        Assert.Equal([(1, null, ["e1"]), (3, "e1", ["e2", "e3"])],
            store.Written.Select(w => (w.Value, w.Expected, w.Events)).ToList(), new WrittenComparer());
        Assert.Equal(0, store.Unwritten);
    }

    [Fact]
    public async Task A_failed_write_is_answered_with_its_failure_and_tried_again_with_its_events_after_the_retry_delay()
    {
        var store = new ScriptedStore(_clock);
        var record = new LiveRecord();
        var write = store.WriteAsync("asset", Grain, record, new State(1), [Event("e1")]);
        store.Fail();
        await Assert.ThrowsAsync<RedisGroupCommitException>(() => write);
        Assert.True(record.IsUnwritten);
        Assert.Empty(store.InFlight);

        _clock.Advance(store.RetryDelay);
        await Eventually.Until(() => Task.FromResult(store.InFlight.Count), n => n == 1, TimeSpan.FromSeconds(10), "the retry");
        store.Succeed();
        Assert.Equal(["e1"], store.Written.Single().Events);
        Assert.False(record.IsUnwritten);
    }

    [Fact]
    public async Task A_newer_state_staged_after_a_failure_carries_the_failed_writes_events_first()
    {
        var store = new ScriptedStore(_clock);
        var record = new LiveRecord();
        var failed = store.WriteAsync("asset", Grain, record, new State(1), [Event("e1")]);
        var newer = store.WriteAsync("asset", Grain, record, new State(2), [Event("e2")]);
        store.Fail();
        await Assert.ThrowsAsync<RedisGroupCommitException>(() => failed);

        _clock.Advance(store.RetryDelay);
        await Eventually.Until(() => Task.FromResult(store.InFlight.Count), n => n == 1, TimeSpan.FromSeconds(10), "the retry");
        store.Succeed();
        await newer;
        Assert.Equal(2, store.Written.Single().Value);
        Assert.Equal(["e1", "e2"], store.Written.Single().Events);
    }

    [Fact]
    public async Task A_conflict_marks_the_activation_stale_and_refuses_its_later_writes()
    {
        var store = new ScriptedStore(_clock);
        var record = new LiveRecord();
        var write = store.WriteAsync("asset", Grain, record, new State(1));
        var waiting = store.WriteAsync("asset", Grain, record, new State(2));
        store.Conflict();
        await Assert.ThrowsAsync<InconsistentStateException>(() => write);
        await Assert.ThrowsAsync<InconsistentStateException>(() => waiting);
        Assert.True(record.IsConflicted);
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteAsync("asset", Grain, record, new State(3)));
        Assert.Empty(store.InFlight);
        Assert.Equal(0, store.Unwritten);
    }

    [Fact]
    public async Task In_process_an_event_is_logged_exactly_when_its_state_is_stored()
    {
        var log = new InProcessEventLog(_clock);
        var store = new InProcessLiveStore(new JsonStateSerializer(), new NewActivators(), _clock, log, TestMetrics.Silo());
        var current = new LiveRecord();
        var stale = new LiveRecord();
        await store.WriteAsync("asset", Grain, current, new State(1), [Event("e1")]);
        Assert.Equal(1, (await store.ReadAsync<State>("asset", Grain, stale)).Value); // a second activation reads it…

        await store.WriteAsync("asset", Grain, current, new State(2), [Event("e2")]); // …and the first writes again
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteAsync("asset", Grain, stale, new State(9), [Event("lost")]));

        Assert.Equal(2, (await store.ReadAsync<State>("asset", Grain, new LiveRecord())).Value);
        Assert.Equal(["e1", "e2"], (await log.ReadSinceAsync(DateTimeOffset.UnixEpoch, 10)).Select(e => e.Event.Id));
    }

    private sealed class WrittenComparer : IEqualityComparer<(int, string?, string[])>
    {
        public bool Equals((int, string?, string[]) x, (int, string?, string[]) y) => x.Item1 == y.Item1 && x.Item2 == y.Item2 && x.Item3.SequenceEqual(y.Item3);
        public int GetHashCode((int, string?, string[]) obj) => obj.Item1;
    }
}
