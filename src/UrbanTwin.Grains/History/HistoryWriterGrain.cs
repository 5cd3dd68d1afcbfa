using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.History;
using UrbanTwin.EventLog;
using UrbanTwin.EventLog.Readings;
using UrbanTwin.Grains.Observability;
using UrbanTwin.History;

namespace UrbanTwin.Grains.History;

/// <summary>
/// Moves one partition of the reading log into the history store, on a non-interleaving grain timer every
/// <see cref="HistoryOptions.FlushInterval"/>: it takes up what an earlier activation left pending, then new entries,
/// writes them in one transaction (<see cref="HistoryWriter"/>) and only then acknowledges them, which removes them
/// from the log. An entry at or before the store's cursor was committed before a crash and is only acknowledged. While
/// the store is away nothing is acknowledged: the rows wait in the log (bounded by <see cref="HistoryOptions.MaxBacklog"/>)
/// and the writer tries again every <see cref="HistoryOptions.RetryDelay"/>. The writer of partition 0 also keeps the
/// store's partitions and retention, reports the backlog, and keeps alarm episodes: it reads the event log through the
/// consumer group <see cref="AlarmGroup"/> and stores each alarm event's episode (idempotent: at least once is enough).
/// </summary>
public sealed partial class HistoryWriterGrain(
    HistoryStore store, IReadingLog log, IEventLog events, IOptions<HistoryOptions> options, TimeProvider clock, SiloMetrics metrics, ILogger<HistoryWriterGrain> logger)
    : Grain, IHistoryWriterGrain
{
    /// <summary>The history store's consumer group in the event log.</summary>
    public const string AlarmGroup = "history";

    private readonly HistoryOptions _settings = options.Value;
    private bool _takeUpPendingEvents = true;
    /// <summary>Whether entries may be pending from an earlier reader (always so after an activation or a failure).</summary>
    private bool _takeUpPending = true;
    private DateTimeOffset _retryAt;
    private DateTimeOffset _maintainedAt;

    private int Partition => (int)this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(TimeSpan.Zero, _settings.FlushInterval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task Wake() => Task.CompletedTask;

    /// <summary>One turn: what the log holds for the store, a batch at a time, until it is empty or the turn's budget is spent.</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < _retryAt)
        {
            return;
        }
        if (Partition == 0)
        {
            await ReportBacklogAsync(cancellationToken); // before the store is tried: the backlog matters most while it is away
        }
        try
        {
            await store.ReadyAsync(cancellationToken);
            if (Partition == 0)
            {
                await MaintainAsync(now, cancellationToken);
                await KeepAlarmsAsync(cancellationToken);
            }
            var budget = Stopwatch.StartNew();
            while (budget.Elapsed < _settings.FlushInterval * 4)
            {
                var entries = await log.ReadAsync(Partition, _takeUpPending, _settings.BatchEntries, cancellationToken);
                if (entries.Count > 0)
                {
                    await WriteAsync(entries, cancellationToken);
                }
                if (entries.Count < _settings.BatchEntries)
                {
                    if (!_takeUpPending)
                    {
                        break;
                    }
                    _takeUpPending = false; // nothing more pending: on to new entries
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.HistoryWriteFailures.Add(1);
            _retryAt = now + _settings.RetryDelay;
            _takeUpPending = _takeUpPendingEvents = true; // what was taken and not written is pending: take it up first
            LogWriteFailed(ex, Partition, _settings.RetryDelay);
        }
    }

    /// <summary>The alarm events logged since the last turn, their episodes stored, then acknowledged.</summary>
    private async Task KeepAlarmsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = await events.ReadGroupAsync(AlarmGroup, _takeUpPendingEvents, _settings.BatchEntries * 16, cancellationToken);
            await store.Alarms.WriteAsync(batch.Where(e => e.Event.Alarm is not null)
                .Select(e => (e.Event.Alarm!, AlarmEpisodes.StepOf(e.Event.Id))), cancellationToken);
            await events.AckAsync(AlarmGroup, batch, cancellationToken);
            if (batch.Count == 0)
            {
                if (!_takeUpPendingEvents)
                {
                    return;
                }
                _takeUpPendingEvents = false;
            }
        }
    }

    private async Task ReportBacklogAsync(CancellationToken cancellationToken)
    {
        try
        {
            metrics.SetHistoryBacklog(await log.BacklogAsync(cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogBacklogUnknown(ex); // the log itself is away (Redis): the store's writes fail too, and say so
        }
    }

    private async Task WriteAsync(IReadOnlyList<ReadingEntry> entries, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await store.Writer.WriteAsync(Partition, entries, clock.GetUtcNow() - _settings.Retention, cancellationToken);
        metrics.CountHistoryWrite(result, Stopwatch.GetElapsedTime(started));
        if (result.Undecodable > 0)
        {
            LogUndecodable(result.Undecodable, Partition);
        }
        await log.AckAsync(Partition, entries, cancellationToken); // committed (now or before a crash): out of the log
    }

    private async Task MaintainAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now - _maintainedAt < _settings.MaintenanceInterval)
        {
            return;
        }
        var dropped = await store.MaintainAsync(now, _settings.Retention, _settings.RollupRetention, cancellationToken);
        _maintainedAt = now;
        if (dropped.Count > 0)
        {
            LogPartitionsDropped(dropped.Count, string.Join(", ", dropped));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "History writer {Partition}: the history store did not take a batch; its rows stay in the log and are tried again in {RetryDelay}")]
    private partial void LogWriteFailed(Exception exception, int partition, TimeSpan retryDelay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The history backlog could not be read")]
    private partial void LogBacklogUnknown(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "History writer {Partition}: {Count} reading-log entries could not be read and were skipped")]
    private partial void LogUndecodable(int count, int partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "History retention dropped {Count} partitions: {Partitions}")]
    private partial void LogPartitionsDropped(int count, string partitions);
}
