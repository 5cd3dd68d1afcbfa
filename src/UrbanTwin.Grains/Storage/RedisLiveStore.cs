using UrbanTwin.Contracts.Storage;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using StackExchange.Redis;
using UrbanTwin.EventLog;
using UrbanTwin.EventLog.Readings;
using UrbanTwin.Grains.Observability;

namespace UrbanTwin.Grains.Storage;

/// <summary>
/// The <see cref="LiveStore"/> in Redis, with group commit: the writes of many grains staged while a round trip is in
/// flight go out together as one script call that checks every ETag, sets every state and appends every event to its
/// partition's stream (<see cref="EventStreams"/>), so the cost per write falls as the load rises, and an event is in a
/// stream exactly when its state was written. The state layout is the one Microsoft.Orleans.Persistence.Redis uses (a
/// hash with <c>etag</c> and <c>data</c> at <c>{ServiceId}/state/{GrainId}/{StateName}</c>). A single Redis instance (or
/// a primary with replicas) is assumed: a batch's keys are not hash-tagged for Redis Cluster.
/// </summary>
public sealed partial class RedisLiveStore : LiveStore, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    // KEYS: the n state keys, then per partition its event stream, its reading stream and that one's backlog counter,
    // then the dropped-rows counter. ARGV[1] n, ARGV[2] the event streams' approximate MAXLEN, ARGV[3] the most rows a
    // reading stream may hold; then per state: expected ETag ('' = none), new ETag, payload, partition (1-based), event
    // count, history row count, history rows, and per event its type, node, asset and JSON. Returns 1 (written) or 0
    // (ETag conflict) per state, then the history rows dropped because their partition's backlog was full.
    private const string WriteManyScript =
        """
        local n = tonumber(ARGV[1])
        local maxlen = ARGV[2]
        local maxBacklog = tonumber(ARGV[3])
        local partitions = (#KEYS - n - 1) / 3
        local results = {}
        local rows, rowCounts = {}, {}
        local a = 4
        for i = 1, n do
          local expected, etag, payload = ARGV[a], ARGV[a + 1], ARGV[a + 2]
          local p = tonumber(ARGV[a + 3])
          local count, rowCount = tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5])
          local rowBytes = ARGV[a + 6]
          a = a + 7
          local current = redis.call('HGET', KEYS[i], 'etag')
          if ((not current or current == '') and expected == '') or current == expected then
            redis.call('HSET', KEYS[i], 'etag', etag, 'data', payload)
            for e = 1, count do
              redis.call('XADD', KEYS[n + p], 'MAXLEN', '~', maxlen, '*',
                'type', ARGV[a], 'node', ARGV[a + 1], 'asset', ARGV[a + 2], 'event', ARGV[a + 3])
              a = a + 4
            end
            if rowCount > 0 then
              if not rows[p] then
                rows[p], rowCounts[p] = {}, 0
              end
              table.insert(rows[p], rowBytes)
              rowCounts[p] = rowCounts[p] + rowCount
            end
            results[i] = 1
          else
            a = a + 4 * count
            results[i] = 0
          end
        end
        local dropped = 0
        for p, parts in pairs(rows) do
          local backlog = KEYS[n + 2 * partitions + p]
          local held = tonumber(redis.call('GET', backlog) or '0')
          if held + rowCounts[p] > maxBacklog then
            dropped = dropped + rowCounts[p]
          else
            redis.call('XADD', KEYS[n + partitions + p], '*', 'n', rowCounts[p], 'rows', table.concat(parts))
            redis.call('INCRBY', backlog, rowCounts[p])
          end
        end
        if dropped > 0 then
          redis.call('INCRBY', KEYS[#KEYS], dropped)
        end
        results[n + 1] = dropped
        return results
        """;

    private readonly string _connectionString;
    private readonly StorageOptions _options;
    private readonly EventLogOptions _events;
    private readonly ILogger _logger;
    private readonly string _serviceId;
    private readonly string _keyPrefix;
    private readonly RedisKey[] _streams; // per partition: its event stream, then its reading streams and their backlog counters, then the dropped counter
    private readonly long _maxRowsPerPartition;
    private readonly Channel<LiveRecord> _queue = Channel.CreateUnbounded<LiveRecord>(new UnboundedChannelOptions { SingleReader = false });
    private readonly List<Task> _committers = [];
    private ConnectionMultiplexer? _connection;
    private IDatabase _db = null!;
    private long _roundTrips;
    private long _writes;

    public RedisLiveStore(string connectionString, StorageOptions options, EventLogOptions events, long maxHistoryBacklog, IGrainStorageSerializer serializer,
        IActivatorProvider activators, ClusterOptions cluster, TimeProvider clock, SiloMetrics metrics, ILogger<RedisLiveStore> logger)
        : base(serializer, activators, clock, options.FlushInterval, metrics)
    {
        _connectionString = connectionString;
        _options = options;
        _events = events;
        _logger = logger;
        _serviceId = cluster.ServiceId;
        _keyPrefix = $"{cluster.ServiceId}/state/";
        var partitions = Enumerable.Range(0, EventStreams.Partitions).ToArray();
        _streams =
        [
            .. partitions.Select(p => (RedisKey)EventStreams.Key(cluster.ServiceId, p)),
            .. partitions.Select(p => (RedisKey)ReadingStreams.Key(cluster.ServiceId, p)),
            .. partitions.Select(p => (RedisKey)ReadingStreams.BacklogKey(cluster.ServiceId, p)),
            ReadingStreams.DroppedKey(cluster.ServiceId),
        ];
        _maxRowsPerPartition = Math.Max(1, maxHistoryBacklog / ReadingStreams.Partitions);
    }

    /// <summary>Group-commit round trips and the writes they carried since start: writes / round trips is the batching gained.</summary>
    public (long RoundTrips, long Writes) Counters => (Interlocked.Read(ref _roundTrips), Interlocked.Read(ref _writes));

    /// <summary>This store's connection, for the event log's readers and trimmer in the same process.</summary>
    public IDatabase Database => _db;

    public string ServiceId => _serviceId;

    public void Participate(ISiloLifecycle lifecycle) =>
        // No stop step: grains deactivate (and flush through this store) late in shutdown; DisposeAsync drains.
        lifecycle.Subscribe(nameof(RedisLiveStore), ServiceLifecycleStage.ApplicationServices, StartAsync);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Fail at once while Redis is away rather than queue: a durable request must get its 503, not hang.
        var configuration = FailFastConfiguration(_connectionString);
        configuration.AsyncTimeout = (int)_options.RedisTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)_options.RedisTimeout.TotalMilliseconds;
        _connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        _db = _connection.GetDatabase();
        for (var i = 0; i < _options.GroupCommitMaxInFlight; i++)
        {
            _committers.Add(Task.Run(CommitLoopAsync, CancellationToken.None));
        }
    }

    protected override async Task<(byte[]? Payload, string? ETag)> ReadRawAsync(string key)
    {
        var entries = await _db.HashGetAllAsync(key);
        var etag = entries.FirstOrDefault(e => e.Name == "etag").Value;
        var data = entries.FirstOrDefault(e => e.Name == "data").Value;
        return (data.HasValue ? (byte[]?)data : null, etag.HasValue ? etag.ToString() : null);
    }

    protected override string Key(string stateName, GrainId grainId) => $"{_keyPrefix}{grainId}/{stateName}";

    protected override void Submit(LiveRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
        {
            var (snapshot, _) = Take(record);
            Failed(record, snapshot, new RedisGroupCommitException("The live store is stopped; the write was not made."));
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The host has stopped and every grain has flushed: drain what is still queued, then close.
        _queue.Writer.TryComplete();
        await Task.WhenAll(_committers).WaitAsync(_options.RedisTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    /// <summary>
    /// A connection that keeps trying to reach Redis in the background and, while it cannot, fails every command at
    /// once instead of queueing it until its timeout (so nothing waits on a Redis that is away).
    /// </summary>
    public static ConfigurationOptions FailFastConfiguration(string connectionString)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        return configuration;
    }

    /// <summary>
    /// 72 random bits as 12 characters: two writes practically never draw the same one, so a stale activation's write
    /// is refused; and each asset keeps its latest ETag in memory (48 B, against 88 B for a 32-digit GUID). Stored
    /// ETags of the older form still compare.
    /// </summary>
    private static string NewETag()
    {
        Span<byte> bits = stackalloc byte[9];
        Random.Shared.NextBytes(bits);
        return Convert.ToBase64String(bits);
    }

    /// <summary>
    /// Takes whatever is queued (up to a batch), sends it as one script call and completes each writer. Several
    /// loops run at once, so the next batch fills while one is in flight.
    /// </summary>
    private async Task CommitLoopAsync()
    {
        var batch = new List<(LiveRecord Record, LiveSnapshot Snapshot, string? Expected)>(_options.GroupCommitMaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.GroupCommitMaxBatch && _queue.Reader.TryRead(out var record))
            {
                var (snapshot, expected) = Take(record);
                batch.Add((record, snapshot, expected));
            }
            if (batch.Count > 0)
            {
                await CommitAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async Task CommitAsync(List<(LiveRecord Record, LiveSnapshot Snapshot, string? Expected)> batch)
    {
        var keys = new RedisKey[batch.Count + _streams.Length];
        var args = new List<RedisValue>(3 + batch.Count * 7) { batch.Count, _events.MaxLengthPerPartition, _maxRowsPerPartition };
        var etags = new string[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (_, snapshot, expected) = batch[i];
            keys[i] = snapshot.Key;
            etags[i] = NewETag();
            var events = snapshot.Events;
            var partition = events is { Count: > 0 } || snapshot.Rows is not null ? snapshot.Partition : 0;
            args.Add(expected ?? "");
            args.Add(etags[i]);
            args.Add(snapshot.Payload);
            args.Add(partition + 1);
            args.Add(events?.Count ?? 0);
            args.Add(snapshot.Rows?.Count ?? 0);
            args.Add(snapshot.Rows is { } rows ? rows.Bytes : ReadOnlyMemory<byte>.Empty);
            foreach (var e in events ?? [])
            {
                args.Add(e.Type);
                args.Add(e.NodeId);
                args.Add(e.AssetId ?? "");
                args.Add(EventJson.Serialize(e));
            }
        }
        _streams.CopyTo(keys, batch.Count);
        RedisResult[] results;
        try
        {
            results = (RedisResult[])(await _db.ScriptEvaluateAsync(WriteManyScript, keys, [.. args]).ConfigureAwait(false))!;
            Interlocked.Increment(ref _roundTrips);
            Interlocked.Add(ref _writes, batch.Count);
        }
        catch (Exception ex)
        {
            LogBatchFailed(ex, batch.Count);
            var failure = new RedisGroupCommitException($"Redis did not take a batch of {batch.Count} writes: {ex.Message}");
            foreach (var (record, snapshot, _) in batch)
            {
                Failed(record, snapshot, failure);
            }
            return;
        }
        if ((long)results[batch.Count] is > 0 and var dropped)
        {
            Metrics.HistoryRowsDropped.Add(dropped);
            LogHistoryRowsDropped(dropped);
        }
        for (var i = 0; i < batch.Count; i++)
        {
            var (record, snapshot, _) = batch[i];
            if ((int)results[i] == 1)
            {
                Stored(record, snapshot, etags[i]);
            }
            else
            {
                Refused(record, snapshot);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The history backlog is full: {Rows} history rows were not logged (their readings are applied; the history store misses them)")]
    private partial void LogHistoryRowsDropped(long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group commit to Redis failed: {Count} writes not made (they are tried again)")]
    private partial void LogBatchFailed(Exception exception, int count);
}
