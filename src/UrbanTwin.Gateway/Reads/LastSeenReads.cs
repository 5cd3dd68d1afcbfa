using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Http;

namespace UrbanTwin.Gateway.Reads;

/// <summary>What a read answered: the value, when a grain gave it, and whether it is the last state seen rather than a fresh one.</summary>
public readonly record struct ReadResult<T>(T Value, DateTimeOffset AsOf, bool Stale);

/// <summary>
/// Reads that never wait on a dead silo. A read calls its grain and waits at most <see cref="ReadOptions.Budget"/>;
/// past that, or when the call fails because the cluster is changing, it answers the last value this gateway saw
/// under the same key, marked stale. The call keeps going meanwhile and refreshes the value when it answers; reads
/// of the same key join the call in flight (a fresh one starts at most every <see cref="ReadOptions.RetryEvery"/>),
/// so a grain that hangs gets one call, not one per read. A key never seen waits up to
/// <see cref="ReadOptions.ColdBudget"/>, then answers 503 (<see cref="ReadUnavailableException"/>).
/// At most <see cref="ReadOptions.MaxItems"/> keys are kept; the least recently read go first.
/// </summary>
public sealed class LastSeenReads(IOptions<ReadOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ReadOptions _options = options.Value;
    private int _evicting;

    public int Count => _entries.Count;

    /// <summary>Reads <paramref name="key"/> through <paramref name="read"/>; a null value is answered but never kept.</summary>
    public async Task<ReadResult<T>> GetAsync<T>(string key, Func<Task<T>> read, CancellationToken cancellationToken = default) where T : class?
    {
        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        var now = clock.GetUtcNow();
        entry.LastReadTicks = now.UtcTicks;
        var call = entry.Join<T>(now, _options.RetryEvery) ?? entry.Start(read, clock, now);
        if (_entries.Count > _options.MaxItems)
        {
            EvictLeastRecentlyRead();
        }

        var seen = entry.Seen;
        try
        {
            var value = await call.WaitAsync(seen is null ? _options.ColdBudget : _options.Budget, clock, cancellationToken);
            return new ReadResult<T>(value, clock.GetUtcNow(), Stale: false);
        }
        catch (Exception ex) when (ClusterUnavailableHandler.IsTransient(ex, cancellationToken))
        {
            // The call may have answered meanwhile (and refreshed the entry): take the newest value seen.
            if (entry.Seen is { } last)
            {
                return new ReadResult<T>((T)last.Value, last.At, Stale: true);
            }
            throw new ReadUnavailableException(key, ex);
        }
    }

    /// <summary>Drops the least recently read tenth, so the sweep runs once per tenth of the capacity, not per read.</summary>
    private void EvictLeastRecentlyRead()
    {
        if (Interlocked.Exchange(ref _evicting, 1) == 1)
        {
            return;
        }
        try
        {
            var excess = _entries.Count - _options.MaxItems + Math.Max(1, _options.MaxItems / 10);
            foreach (var (key, _) in _entries.Select(e => (e.Key, e.Value.LastReadTicks)).OrderBy(e => e.LastReadTicks).Take(excess).ToList())
            {
                _entries.TryRemove(key, out _);
            }
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }
    }

    private sealed record Seen(object Value, DateTimeOffset At, DateTimeOffset CallStartedAt);

    private sealed class Entry
    {
        private readonly Lock _lock = new();
        private Task? _inFlight;
        private DateTimeOffset _startedAt;
        private volatile Seen? _seen;

        public long LastReadTicks;

        public Seen? Seen => _seen;

        /// <summary>The call in flight for this key, if it started less than <paramref name="retryEvery"/> ago.</summary>
        public Task<T>? Join<T>(DateTimeOffset now, TimeSpan retryEvery)
        {
            lock (_lock)
            {
                return _inFlight is Task<T> call && !call.IsCompleted && now - _startedAt < retryEvery ? call : null;
            }
        }

        public Task<T> Start<T>(Func<Task<T>> read, TimeProvider clock, DateTimeOffset now)
        {
            var call = Call(read);
            lock (_lock)
            {
                _inFlight = call;
                _startedAt = now;
            }
            _ = call.ContinueWith(static (done, state) =>
            {
                var (entry, clock, startedAt) = ((Entry, TimeProvider, DateTimeOffset))state!;
                lock (entry._lock)
                {
                    if (ReferenceEquals(entry._inFlight, done))
                    {
                        entry._inFlight = null; // nothing to join any more; the entry keeps only what it saw
                    }
                    // A call that started earlier but answered later must not replace what a newer call brought.
                    if (done.IsCompletedSuccessfully && done.Result is { } value && (entry._seen is not { } seen || seen.CallStartedAt <= startedAt))
                    {
                        entry._seen = new Seen(value, clock.GetUtcNow(), startedAt);
                    }
                }
                _ = done.Exception; // observed: the read that waited on it reported it, or answered stale
            }, (this, clock, now), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return call;
        }

        /// <summary>A read that throws before its first await still fails as a task, like every other failure.</summary>
        private static async Task<T> Call<T>(Func<Task<T>> read) => await read();
    }
}

/// <summary>No grain answered a read of an id this gateway has never seen: 503 with Retry-After.</summary>
public sealed class ReadUnavailableException(string key, Exception inner)
    : TimeoutException($"'{key}' did not answer and this gateway has no earlier state of it", inner);
