using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using StackExchange.Redis;

namespace UrbanTwin.Grains.Storage;

/// <summary>
/// Grain storage in Redis with group commit: the writes of many grains that arrive while a round trip is in flight
/// go out together as one script call that checks every ETag and sets every key, so the cost per write falls as the
/// load rises instead of one script call per write. The layout is the one Microsoft.Orleans.Persistence.Redis uses
/// (a hash with <c>etag</c> and <c>data</c> at <c>{ServiceId}/state/{GrainId}/{StateName}</c>), so either provider
/// reads what the other wrote. A single Redis instance (or a primary with replicas) is assumed: a batch's keys are
/// not hash-tagged for Redis Cluster.
/// </summary>
public sealed partial class RedisGroupCommitStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    // KEYS[i]; ARGV[3i-2] expected ETag ('' = none), ARGV[3i-1] new ETag, ARGV[3i] payload. Returns 1 or 0 per key.
    private const string WriteManyScript =
        """
        local results = {}
        for i = 1, #KEYS do
          local expected = ARGV[3 * i - 2]
          local current = redis.call('HGET', KEYS[i], 'etag')
          if ((not current or current == '') and expected == '') or current == expected then
            redis.call('HSET', KEYS[i], 'etag', ARGV[3 * i - 1], 'data', ARGV[3 * i])
            results[i] = 1
          else
            results[i] = 0
          end
        end
        return results
        """;

    private const string DeleteScript =
        """
        local current = redis.call('HGET', KEYS[1], 'etag')
        if ((not current or current == '') and ARGV[1] == '') or current == ARGV[1] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        return 0
        """;

    private readonly string _name;
    private readonly string _connectionString;
    private readonly StorageOptions _options;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger _logger;
    private readonly string _keyPrefix;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = false });
    private readonly List<Task> _committers = [];
    private ConnectionMultiplexer? _connection;
    private IDatabase _db = null!;
    private long _roundTrips;
    private long _writes;
    private long _unanswered;

    public RedisGroupCommitStorage(string name, string connectionString, StorageOptions options, IGrainStorageSerializer serializer,
        ClusterOptions cluster, IActivatorProvider activators, ILogger<RedisGroupCommitStorage> logger)
    {
        _name = name;
        _connectionString = connectionString;
        _options = options;
        _serializer = serializer;
        _activators = activators;
        _logger = logger;
        _keyPrefix = $"{cluster.ServiceId}/state/";
    }

    /// <summary>Group-commit round trips and the writes they carried since start: writes / round trips is the batching gained.</summary>
    public (long RoundTrips, long Writes) Counters => (Interlocked.Read(ref _roundTrips), Interlocked.Read(ref _writes));

    /// <summary>Writes queued or in a round trip, not yet answered by Redis.</summary>
    public long UnansweredWrites => Interlocked.Read(ref _unanswered);

    public void Participate(ISiloLifecycle lifecycle) =>
        // No stop step: grains deactivate (and flush through this storage) late in shutdown; DisposeAsync drains.
        lifecycle.Subscribe($"{nameof(RedisGroupCommitStorage)}-{_name}", ServiceLifecycleStage.ApplicationServices, StartAsync);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(_connectionString);
        configuration.AbortOnConnectFail = false;
        // Fail at once while Redis is away rather than queue: a durable request must get its 503, not hang.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.AsyncTimeout = (int)_options.RedisTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)_options.RedisTimeout.TotalMilliseconds;
        _connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        _db = _connection.GetDatabase();
        for (var i = 0; i < _options.GroupCommitMaxInFlight; i++)
        {
            _committers.Add(Task.Run(CommitLoopAsync, CancellationToken.None));
        }
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var entries = await _db.HashGetAllAsync(Key(stateName, grainId));
        var etag = entries.FirstOrDefault(e => e.Name == "etag").Value;
        var data = entries.FirstOrDefault(e => e.Name == "data").Value;
        if (etag.HasValue && data.HasValue && ((ReadOnlyMemory<byte>)data).Length > 0)
        {
            grainState.ETag = etag.ToString();
            grainState.State = _serializer.Deserialize<T>((ReadOnlyMemory<byte>)data);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = etag.HasValue ? etag.ToString() : null;
            grainState.State = _activators.GetActivator<T>().Create();
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Serialized now, on the grain's turn: the batch carries the state as it was when the grain asked.
        var payload = _serializer.Serialize(grainState.State).ToMemory();
        var write = new PendingWrite(Key(stateName, grainId), grainState.ETag ?? "", NewETag(), payload);
        Interlocked.Increment(ref _unanswered);
        if (!_queue.Writer.TryWrite(write))
        {
            Interlocked.Decrement(ref _unanswered);
            throw new RedisGroupCommitException($"Storage '{_name}' is stopped; the write of {grainId} was not made.");
        }
        if (!await write.Done.Task)
        {
            throw new InconsistentStateException(
                $"Version conflict writing {grainId} ({stateName}) to storage '{_name}': the stored ETag is not {grainState.ETag}.");
        }
        grainState.ETag = write.NewETag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var deleted = (int)await _db.ScriptEvaluateAsync(DeleteScript, [Key(stateName, grainId)], [grainState.ETag ?? ""]);
        if (deleted == 0)
        {
            throw new InconsistentStateException($"Version conflict clearing {grainId} ({stateName}) in storage '{_name}'.");
        }
        grainState.ETag = null;
        grainState.State = _activators.GetActivator<T>().Create();
        grainState.RecordExists = false;
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

    private RedisKey Key(string stateName, GrainId grainId) => $"{_keyPrefix}{grainId}/{stateName}";

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
        var batch = new List<PendingWrite>(_options.GroupCommitMaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.GroupCommitMaxBatch && _queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }
            if (batch.Count > 0)
            {
                await CommitAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var keys = new RedisKey[batch.Count];
        var args = new RedisValue[batch.Count * 3];
        for (var i = 0; i < batch.Count; i++)
        {
            keys[i] = batch[i].Key;
            args[3 * i] = batch[i].ExpectedETag;
            args[3 * i + 1] = batch[i].NewETag;
            args[3 * i + 2] = batch[i].Payload;
        }
        try
        {
            var results = (RedisResult[])(await _db.ScriptEvaluateAsync(WriteManyScript, keys, args).ConfigureAwait(false))!;
            Interlocked.Increment(ref _roundTrips);
            Interlocked.Add(ref _writes, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult((int)results[i] == 1);
            }
            Interlocked.Add(ref _unanswered, -batch.Count);
        }
        catch (Exception ex)
        {
            LogBatchFailed(ex, _name, batch.Count);
            var failure = new RedisGroupCommitException($"Redis did not take a batch of {batch.Count} writes for storage '{_name}': {ex.Message}");
            foreach (var write in batch)
            {
                write.Done.TrySetException(failure);
            }
            Interlocked.Add(ref _unanswered, -batch.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group commit to Redis failed for storage {Name}: {Count} writes not made")]
    private partial void LogBatchFailed(Exception exception, string name, int count);

    private sealed class PendingWrite(RedisKey key, string expectedETag, string newETag, ReadOnlyMemory<byte> payload)
    {
        public RedisKey Key { get; } = key;
        public string ExpectedETag { get; } = expectedETag;
        public string NewETag { get; } = newETag;
        public ReadOnlyMemory<byte> Payload { get; } = payload;
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A grain write did not reach Redis; nothing was acknowledged, and the grain keeps the write pending.</summary>
[GenerateSerializer]
public sealed class RedisGroupCommitException : Exception
{
    public RedisGroupCommitException(string message) : base(message)
    {
    }
}
