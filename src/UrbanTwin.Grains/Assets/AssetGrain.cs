using Microsoft.Extensions.Logging;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Access;
using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.History;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.History;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Rollup;
using UrbanTwin.Domain.Rules;
using UrbanTwin.Grains.Scheduling;
using UrbanTwin.Grains.Storage;
using UrbanTwin.Domain.Rollup;
using UrbanTwin.Domain.History;
using UrbanTwin.Domain.Alarms;
using UrbanTwin.EventLog.Readings;

namespace UrbanTwin.Grains.Assets;

/// <summary>
/// One infrastructure asset: applies readings with its kind's rules and tells its district its contribution.
/// Registration is written through; readings are written behind within the flush window, or before the answer
/// when the caller asks for a durable acknowledgement. Alarm transitions and status changes are events, written to
/// the durable event log with the state that holds them (<see cref="LiveStore"/>).
/// </summary>
/// <remarks>
/// Delayed work (the write-behind, the report of new values to the district) is done by the next call that finds it
/// due, or by a one-way <see cref="IDueWorkGrain.RunDueWork"/> from the silo's <see cref="DueWorkSweeper"/> when no
/// call comes: always on a turn of this grain, never between the awaits of a call in progress.
/// </remarks>
public sealed class AssetGrain(AssetServices services) : Grain, IAssetGrain, IDueWorkGrain, IHasDueWork
{
    private const string StateName = "asset";

    /// <summary>
    /// Read on activation and written through <see cref="LiveStore"/> by the grain itself rather than by a
    /// <c>[PersistentState]</c> facet: the facet adds about 330 B of lifecycle and migration bookkeeping to every
    /// activation (found with ClrMD), and an asset needs nothing of it. Same layout in Redis as the Orleans provider.
    /// </summary>
    private AssetState _state = new();
    private readonly LiveRecord _record = new();
    private long _dirtySince; // timestamp of the first change not yet handed to storage; 0 when clean
    private long _reportDueAt; // timestamp when new values are due at the district; 0 when none are waiting
    private long _sweepSlot;
    private AssetHistory? _history;
    private HistoryRows? _unlogged; // readings accepted since the last write handed to storage, for the history store
    private List<TwinEvent>? _unloggedValues; // asset.values events for NGSI-LD subscriptions, waiting for that write too

    private AssetState State => _state;

    GrainId IHasDueWork.GrainId => GrainContext.GrainId;

    long IHasDueWork.DueAt
    {
        get
        {
            var dirty = Volatile.Read(ref _dirtySince);
            var write = dirty == 0 ? 0 : dirty + FlushTicks;
            var report = Volatile.Read(ref _reportDueAt);
            return write == 0 ? report : report == 0 ? write : Math.Min(write, report);
        }
    }

    ref long IHasDueWork.SweepSlot => ref _sweepSlot;

    /// <summary>This activation has changes that storage has not confirmed: not yet handed over, or handed over and not yet stored.</summary>
    private bool Unwritten => _dirtySince != 0 || _record.IsUnwritten;

    private long FlushTicks => (long)(services.FlushInterval.TotalSeconds * services.Clock.TimestampFrequency);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state = await services.Store.ReadAsync<AssetState>(StateName, this.GetGrainId(), _record);
        if (State.Definition is not null)
        {
            // Coming back after a crash or a move: the district may hold a contribution this silo never persisted
            // (lost write-behind). A fresh version outranks it, and the report right after activation replaces it.
            State.Version = Versions.Next(State.Version, services.Clock);
            ScheduleReport(TimeSpan.Zero);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _reportDueAt, 0); // a report still due has nobody to report for
        if (Unwritten && !_record.IsConflicted)
        {
            // Graceful shutdown, rebalancing and idle collection lose nothing; a failure leaves it to the store's retry.
            await TryWriteNowAsync();
        }
    }

    public async Task<RegistrationOutcome> Register(AssetDefinition definition, WriteScope? scope = null)
    {
        var previous = State.Definition;
        if (previous is not null && scope is not null && !scope.Allows(previous.NodeId))
        {
            return RegistrationOutcome.OutOfScope; // a scoped key may not take an asset from a district outside its scope
        }
        if (previous is not null && AssetDefinitions.Same(previous, definition))
        {
            return RegistrationOutcome.Unchanged;
        }

        State.Definition = definition;
        if (previous is not null && previous.Kind != definition.Kind)
        {
            _history = null; // its series are the old kind's metrics
        }
        var version = Versions.Next(State.Version, services.Clock);
        var events = new EventRecorder(definition, services.Clock.GetUtcNow(), version, StatusOf(State));
        if (previous is null)
        {
            State.LastHeardAt = services.Clock.GetUtcNow();
        }
        else
        {
            // Thresholds may have changed: re-derive every level (and so every alarm) from its latest value.
            var kind = AssetCatalog.Get(definition.Kind);
            var now = services.Clock.GetUtcNow();
            for (var i = 0; i < State.Metrics.Length; i++)
            {
                ref var metric = ref State.Metrics[i];
                var rules = kind.Metric(metric.Name) is { } m ? AssetCatalog.EffectiveRules(definition, m) : [];
                metric.Level = ThresholdEvaluator.Evaluate(rules, metric.Value, AlarmLevel.None);
                RecordLevel(definition, metric, now, version, ref events);
            }
            // Open alarms follow the asset when it moves to another district.
            State.Alarms = [.. State.Alarms.Select(a => a.IsOpen ? a with { NodeId = definition.NodeId } : a)];
        }
        State.Version = version;
        events.StatusNow(StatusOf(State));
        await WriteNowAsync(events.Recorded); // registrations and thresholds are always durable

        if (previous is not null && previous.NodeId != definition.NodeId)
        {
            await GrainFactory.ByKey<IDistrictGrain>(previous.NodeId).Remove(definition.Id, State.Version);
        }
        await ReportAsync(events.Recorded);
        return previous is null ? RegistrationOutcome.Created : RegistrationOutcome.Updated;
    }

    public async Task<DeleteOutcome> Delete(WriteScope? scope = null)
    {
        if (State.Definition is not { } definition)
        {
            return DeleteOutcome.NotFound;
        }
        if (scope is not null && !scope.Allows(definition.NodeId))
        {
            return DeleteOutcome.OutOfScope;
        }
        var now = services.Clock.GetUtcNow();
        var version = Versions.Next(State.Version, services.Clock);
        var events = new EventRecorder(definition, now, version, StatusOf(State));
        for (var i = 0; i < State.Metrics.Length; i++)
        {
            ref var metric = ref State.Metrics[i];
            metric.Level = AlarmLevel.None; // an asset that is gone raises nothing: its open alarms clear
            RecordLevel(definition, metric, now, version, ref events);
        }
        State.Version = version;
        events.StatusNow(StatusOf(State));
        // The district first: if it cannot be reached, nothing is deleted and the caller can try again. If the write
        // then fails, this activation goes and the stored asset, activated again, reports itself to the district anew.
        var district = GrainFactory.ByKey<IDistrictGrain>(definition.NodeId);
        await district.Report(Contribution(definition), events.Recorded?.ToArray()); // the cleared alarms, for its list
        await district.Remove(definition.Id, version);
        // Only the version stays: an older message that arrives later cannot bring the asset back.
        _state = new AssetState { Version = version, AlarmNumber = State.AlarmNumber };
        _history = null;
        _unloggedValues = null;
        Volatile.Write(ref _reportDueAt, 0);
        try
        {
            await WriteNowAsync(events.Recorded);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        return DeleteOutcome.Deleted;
    }

    public async Task<ReadingOutcome[]> Apply(Reading[] readings, Ack ack = Ack.Accepted, WriteScope? scope = null, string? kind = null)
    {
        var outcomes = new ReadingOutcome[readings.Length];
        var definition = State.Definition;
        if (definition is null || (kind is not null && definition.Kind != kind))
        {
            Array.Fill(outcomes, ReadingOutcome.Reject(RejectionReasons.UnknownAsset, $"asset '{this.GetPrimaryKeyString()}' is not registered"));
            return outcomes;
        }
        if (scope is not null && !scope.Allows(definition.NodeId))
        {
            Array.Fill(outcomes, ReadingOutcome.Reject(RejectionReasons.OutOfScope,
                $"asset '{this.GetPrimaryKeyString()}' is in district '{definition.NodeId}', outside the scope of key '{scope.KeyName}'"));
            return outcomes;
        }
        if (IsStale())
        {
            Array.Fill(outcomes, ReadingOutcome.Reject(RejectionReasons.Unavailable, "the asset is moving; retry the item"));
            return outcomes;
        }

        var catalog = AssetCatalog.Get(definition.Kind);
        var accepted = 0;
        var watched = services.Watch.Watches(definition.Kind); // an NGSI-LD subscription waits for this kind's changes
        HashSet<string>? changed = null;
        var version = Versions.Next(State.Version, services.Clock); // one version for everything this call changes
        var events = new EventRecorder(definition, services.Clock.GetUtcNow(), version, StatusOf(State));
        for (var i = 0; i < readings.Length; i++)
        {
            if (IsRedelivery(readings[i]))
            {
                outcomes[i] = ReadingOutcome.Accepted; // already applied: acknowledged again, applied once
                continue;
            }
            outcomes[i] = Check(catalog, readings[i]);
            if (outcomes[i].IsAccepted)
            {
                Accept(definition, catalog, readings[i], version, ref events);
                accepted++;
                if (watched)
                {
                    (changed ??= new(StringComparer.Ordinal)).UnionWith(readings[i].Metrics.Select(m => m.Metric));
                }
            }
        }

        if (accepted > 0)
        {
            State.LastHeardAt = services.Clock.GetUtcNow();
            State.Version = version;
            MarkDirty();
            events.StatusNow(StatusOf(State));
            if (changed is not null)
            {
                LogValues(definition, version, changed);
            }
        }
        // Alarm state is always durable: a reading that opened, escalated or cleared an alarm is stored (with its
        // events) before the answer.
        if ((ack == Ack.Durable || events.Recorded is not null) && Unwritten && !await TryWriteNowAsync(events.Recorded))
        {
            // Applied here but not in storage: not acknowledged. The store keeps the write and tries again, and a
            // retry of the same items is accepted again (a redelivered latest reading is not a duplicate).
            for (var i = 0; i < outcomes.Length; i++)
            {
                if (outcomes[i].IsAccepted)
                {
                    outcomes[i] = ReadingOutcome.Reject(RejectionReasons.Unavailable, "storage did not confirm the write; retry the item");
                }
            }
        }
        if (accepted > 0)
        {
            if (events.Recorded is not null)
            {
                Notify(events.Recorded); // a status or alarm change goes up at once, with its events for the live views
            }
            else
            {
                // Values only: told at most once per publish interval, so an asset read many times a second costs
                // its district one call per interval, not one per reading (the district publishes no faster anyway).
                ScheduleReport(services.Rollup.PublishInterval);
            }
        }
        RunDueWorkInline();
        return outcomes;
    }

    public Task RunDueWork()
    {
        if (State.Definition is not null)
        {
            RunDueWorkInline();
        }
        return Task.CompletedTask;
    }

    public async Task<AcknowledgeResult> Acknowledge(string alarmId, string by, string? comment, string? key = null, WriteScope? scope = null,
        string? expectedRevision = null)
    {
        if (scope is not null && State.Definition is { } definition && !scope.Allows(definition.NodeId))
        {
            return new AcknowledgeResult(AcknowledgeOutcome.OutOfScope, null);
        }
        var now = services.Clock.GetUtcNow();
        var result = AlarmBook.Acknowledge(State.Alarms, alarmId, by, comment, key, now, Versions.Next(State.Version, services.Clock), expectedRevision);
        if (result.Outcome == AcknowledgeOutcome.Acknowledged)
        {
            State.Version = result.Alarm!.Version;
            var events = new EventRecorder(State.Definition!, now, State.Version, StatusOf(State));
            events.Alarm(TwinEventTypes.AlarmAcknowledged, result.Alarm, now);
            await WriteNowAsync(events.Recorded); // durable before the answer
            Notify(events.Recorded);
        }
        else if (result.Outcome == AcknowledgeOutcome.AlreadyAcknowledged && Unwritten)
        {
            await WriteNowAsync(null); // a repeated acknowledgement whose first write did not get through
        }
        return result;
    }

    public Task<HistoryPoint[]> GetHistory(string metric, DateTimeOffset from, DateTimeOffset to) =>
        Task.FromResult(_history?.Between(metric, from, to) ?? []);

    public Task Refresh()
    {
        if (State.Definition is not null)
        {
            State.Version = Versions.Next(State.Version, services.Clock);
            Notify(); // one-way, on this turn of its own: the district that asked does not wait for it
        }
        return Task.CompletedTask;
    }

    public Task<AssetSnapshot?> Get()
    {
        if (State.Definition is not { } definition)
        {
            return Task.FromResult<AssetSnapshot?>(null);
        }
        var kind = AssetCatalog.Get(definition.Kind);
        var contribution = Contribution(definition);
        var readings = State.Metrics.ToDictionary(
            m => m.Name, m => new ReadingValue(m.Value, kind.Metric(m.Name)?.Unit ?? "", m.Ts), StringComparer.Ordinal);
        var levels = State.Metrics.ToDictionary(m => m.Name, m => m.Level, StringComparer.Ordinal);
        var thresholds = kind.Metrics
            .Select(m => (m.Name, Rules: AssetCatalog.EffectiveRules(definition, m)))
            .Where(x => x.Rules.Length > 0)
            .ToDictionary(x => x.Name, x => x.Rules, StringComparer.Ordinal);
        return Task.FromResult<AssetSnapshot?>(new AssetSnapshot(
            definition, SummaryBuilder.EffectiveStatus(contribution, services.Clock.GetUtcNow()), readings, levels, thresholds,
            State.Version, State.LastSeq, State.LastReadingAt, contribution.SilentAfter, [.. State.Alarms], State.LastReadingTimedByGateway));
    }

    /// <summary>The checks that need this asset's state; a reading that fails any of them changes nothing.</summary>
    private ReadingOutcome Check(AssetKindDefinition kind, Reading reading)
    {
        if (reading.Metrics.Length == 0)
        {
            return ReadingOutcome.Reject(RejectionReasons.NoMetrics, "metrics is empty");
        }
        foreach (var sample in reading.Metrics)
        {
            if (kind.Metric(sample.Metric) is not { } metric)
            {
                return ReadingOutcome.Reject(RejectionReasons.UnknownMetric,
                    $"'{sample.Metric}' is not a metric of {kind.Name} (known: {string.Join(", ", kind.Metrics.Select(m => m.Name))})");
            }
            if (!metric.InRange(sample.Value))
            {
                return ReadingOutcome.Reject(RejectionReasons.OutOfRange,
                    $"{sample.Metric} = {sample.Value} is outside the possible range {metric.Min}..{metric.Max} {metric.Unit}");
            }
        }
        if (State.LastReadingAt is { } last && reading.Ts < last)
        {
            return ReadingOutcome.Reject(RejectionReasons.StaleTimestamp, $"ts {reading.Ts:O} is older than the latest reading {last:O}");
        }
        if (reading.Seq is { } seq && State.LastSeq is { } lastSeq && seq <= lastSeq)
        {
            return ReadingOutcome.Reject(RejectionReasons.DuplicateSeq, $"seq {seq} was already received (latest {lastSeq})");
        }
        return ReadingOutcome.Accepted;
    }

    /// <summary>The latest accepted reading sent again (a client retrying after a timeout or a 503): same seq, same ts, same values.</summary>
    private bool IsRedelivery(Reading reading)
    {
        if (reading.Seq is null || reading.Seq != State.LastSeq || reading.Ts != State.LastReadingAt)
        {
            return false;
        }
        foreach (var sample in reading.Metrics)
        {
            var i = State.IndexOf(sample.Metric);
            if (i < 0 || State.Metrics[i].Ts != reading.Ts || !State.Metrics[i].Value.Equals(sample.Value))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Applies one checked reading, recording the alarm transitions it causes.</summary>
    private void Accept(AssetDefinition definition, AssetKindDefinition kind, Reading reading, long version, ref EventRecorder events)
    {
        foreach (var sample in reading.Metrics)
        {
            var metric = kind.Metric(sample.Metric)!;
            var i = State.IndexOf(sample.Metric);
            if (i < 0)
            {
                State.Metrics = [.. State.Metrics, new LatestMetric { Name = metric.Name }]; // the catalog's string, shared by every asset of the kind
                i = State.Metrics.Length - 1;
            }
            ref var m = ref State.Metrics[i];
            m.Level = ThresholdEvaluator.Evaluate(AssetCatalog.EffectiveRules(definition, metric), sample.Value, m.Level);
            m.Value = sample.Value;
            m.Ts = reading.Ts;
            RecordLevel(definition, m, reading.Ts, version, ref events);
        }
        (_history ??= new AssetHistory(services.HistoryReadings, kind.MetricNames)).Add(reading.Ts, reading.Metrics);
        if (services.LogsHistory)
        {
            (_unlogged ??= new HistoryRows()).Add(HistoryRowKind.Asset, definition.Id, reading.Ts, reading.Metrics);
        }
        State.LastReadingAt = reading.Ts;
        State.LastReadingTimedByGateway = reading.TimedByGateway;
        State.LastSeq = reading.Seq ?? State.LastSeq;
    }

    private void RecordLevel(AssetDefinition definition, in LatestMetric metric, DateTimeOffset at, long version, ref EventRecorder events)
    {
        var number = State.AlarmNumber;
        var transition = AlarmBook.OnLevel(State.Alarms, ref number, definition.Id, definition.NodeId, metric.Name, metric.Level, metric.Value, at, version,
            out var alarm);
        State.AlarmNumber = number;
        if (transition is not null)
        {
            events.Alarm(transition, alarm!, at);
        }
    }

    /// <summary>The status the metrics' levels give (offline is a matter of time, judged where it is read).</summary>
    private static AssetStatus StatusOf(AssetState state)
    {
        var worst = AlarmLevel.None;
        foreach (var metric in state.Metrics)
        {
            worst = metric.Level > worst ? metric.Level : worst;
        }
        return ThresholdEvaluator.ToStatus(worst);
    }

    private AssetContribution Contribution(AssetDefinition definition)
    {
        var worst = AlarmLevel.None;
        int warnings = 0, alarms = 0;
        var latest = new MetricSample[State.Metrics.Length];
        var i = 0;
        foreach (var metric in State.Metrics)
        {
            latest[i++] = new MetricSample(metric.Name, metric.Value);
            worst = metric.Level > worst ? metric.Level : worst;
            warnings += metric.Level == AlarmLevel.Warning ? 1 : 0;
            alarms += metric.Level == AlarmLevel.Alarm ? 1 : 0;
        }
        var silentAfter = State.LastHeardAt + TimeSpan.FromSeconds(definition.ReportingIntervalSeconds * services.Rollup.OfflineAfterIntervals);
        return new AssetContribution(definition.Id, definition.Kind, definition.Name, definition.Location, ThresholdEvaluator.ToStatus(worst),
            warnings, alarms, silentAfter, State.Version, latest, State.LastReadingAt, [.. State.Alarms]);
    }

    /// <summary>New values reach the district after <paramref name="delay"/>, once however often asked meanwhile.</summary>
    private void ScheduleReport(TimeSpan delay)
    {
        if (_reportDueAt == 0)
        {
            Volatile.Write(ref _reportDueAt, services.Clock.GetTimestamp() + (long)(delay.TotalSeconds * services.Clock.TimestampFrequency));
            services.Sweeper.Watch(this);
        }
    }

    /// <summary>Something changed that storage does not have yet: it is written behind within the flush window.</summary>
    private void MarkDirty()
    {
        if (_dirtySince == 0)
        {
            Volatile.Write(ref _dirtySince, services.Clock.GetTimestamp());
            services.Sweeper.Watch(this);
        }
    }

    /// <summary>
    /// Does what is due, on this turn: the report when its interval has passed; the write-behind once the state has
    /// waited half the flush window (so a call arriving then saves the sweeper's wake-up call, and none waits longer
    /// than the window). The write is handed to the store, not awaited: the store retries it until it is stored.
    /// </summary>
    private void RunDueWorkInline()
    {
        if (IsStale())
        {
            return;
        }
        var now = services.Clock.GetTimestamp();
        if (_reportDueAt != 0 && now >= _reportDueAt)
        {
            Volatile.Write(ref _reportDueAt, 0);
            Notify();
        }
        if (_dirtySince != 0 && now - _dirtySince >= FlushTicks / 2)
        {
            Volatile.Write(ref _dirtySince, 0);
            services.Store.WriteBehind(StateName, GrainContext.GrainId, _record, _state, TakeUnlogged(), WithUnloggedValues(null));
        }
        services.Sweeper.Watch(this); // whatever is still waiting
    }

    /// <summary>Hands the state, as it is on this turn, to storage with <paramref name="events"/>; completes once stored.</summary>
    private Task WriteNowAsync(List<TwinEvent>? events)
    {
        Volatile.Write(ref _dirtySince, 0);
        return services.Store.WriteAsync(StateName, GrainContext.GrainId, _record, _state, WithUnloggedValues(events), TakeUnlogged());
    }

    /// <summary>
    /// An <c>asset.values</c> event for the NGSI-LD subscriptions watching this kind: written with the state that holds
    /// the change (through or behind, as the readings are), so that it exists exactly when the change is stored.
    /// </summary>
    private void LogValues(AssetDefinition definition, long version, HashSet<string> changed)
    {
        var latest = new MetricSample[State.Metrics.Length];
        for (var i = 0; i < latest.Length; i++)
        {
            latest[i] = new MetricSample(State.Metrics[i].Name, State.Metrics[i].Value);
        }
        (_unloggedValues ??= []).Add(new TwinEvent($"{definition.Id}/values@{version}", TwinEventTypes.AssetValues, State.LastReadingAt!.Value,
            definition.NodeId, definition.Id, definition.Kind, Status: StatusOf(State), Values: latest, Changed: [.. changed], Location: definition.Location));
    }

    /// <summary>The events a write carries: those of the call, and the value events waiting for a write.</summary>
    private List<TwinEvent>? WithUnloggedValues(List<TwinEvent>? events)
    {
        var values = _unloggedValues;
        _unloggedValues = null;
        return values is null ? events : events is null ? values : [.. events, .. values];
    }

    /// <summary>The history rows of what the state about to be written accepted: they go with that write, and only with it.</summary>
    private HistoryRows? TakeUnlogged()
    {
        var rows = _unlogged;
        _unlogged = null;
        return rows;
    }

    private async Task<bool> TryWriteNowAsync(List<TwinEvent>? events = null)
    {
        try
        {
            await WriteNowAsync(events);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            services.DurableWriteFailed.Report(ex, this.GetPrimaryKeyString());
            IsStale();
            return false;
        }
    }

    /// <summary>True when storage refused this activation's write (another one wrote since): it deactivates, and the next call gets a fresh one.</summary>
    private bool IsStale()
    {
        if (!_record.IsConflicted)
        {
            return false;
        }
        Volatile.Write(ref _dirtySince, 0);
        Volatile.Write(ref _reportDueAt, 0);
        _unlogged = null; // its readings were never acknowledged: the state that accepted them was not stored
        _unloggedValues = null;
        DeactivateOnIdle();
        return true;
    }

    /// <summary>Tells the district without waiting for it (one-way), with the <paramref name="events"/> this change recorded.</summary>
    private void Notify(List<TwinEvent>? events = null)
    {
        var definition = State.Definition!;
        _ = GrainFactory.ByKey<IDistrictGrain>(definition.NodeId).Update(Contribution(definition), events?.ToArray());
    }

    /// <summary>Tells the district and waits (registration); if it cannot be reached now, the report is tried again after the interval.</summary>
    private async Task ReportAsync(List<TwinEvent>? events)
    {
        var definition = State.Definition!;
        try
        {
            await GrainFactory.ByKey<IDistrictGrain>(definition.NodeId).Report(Contribution(definition), events?.ToArray());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            services.ReportFailed.Report(ex, $"{definition.Id} to {definition.NodeId}");
            ScheduleReport(services.FlushInterval);
        }
    }
}
