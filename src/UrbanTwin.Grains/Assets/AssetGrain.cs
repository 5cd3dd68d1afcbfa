using Microsoft.Extensions.Logging;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Access;
using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.History;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.Alarms;
using UrbanTwin.Grains.History;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Rollup;
using UrbanTwin.Grains.Rules;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Assets;

/// <summary>
/// One infrastructure asset: applies readings with its kind's rules and tells its district its contribution.
/// Registration is written through; readings are written behind within the flush window, or before the answer
/// when the caller asks for a durable acknowledgement.
/// </summary>
public sealed class AssetGrain(AssetServices services) : Grain, IAssetGrain, IWrittenBehind
{
    /// <summary>
    /// Read on activation and written through <see cref="_write"/> by the grain itself rather than by a
    /// <c>[PersistentState]</c> facet: the facet adds about 330 B of lifecycle and migration bookkeeping to every
    /// activation (found with ClrMD), and an asset needs nothing of it. Same storage and state name, so the stored
    /// layout is the same.
    /// </summary>
    private readonly GrainState<AssetState> _stored = new(new AssetState());
    private const string StateName = "asset";
    private DeferredWrite _write = null!;
    private bool _reportScheduled;
    private bool _contributionPending;
    private bool _deactivated;
    private AssetHistory? _history;

    private AssetState State => _stored.State!; // never null: a storage that has none gives a new one

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await services.Storage.ReadStateAsync(StateName, this.GetGrainId(), _stored);
        GrainActivations.Activated(this);
        _write = new DeferredWrite(this, GrainContext.Scheduler, services.Wakeups, services.FlushInterval);
        if (State.Definition is not null)
        {
            // Coming back after a crash or a move: the district may hold a contribution this silo never persisted
            // (lost write-behind). A fresh version outranks it, and the report right after activation replaces it.
            State.Version = Versions.Next(State.Version, services.Clock);
            ReportSoon();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainActivations.Deactivated(this);
        _deactivated = true; // a report still due has nobody to report for
        await _write.CloseAsync(); // graceful shutdown, rebalancing and idle collection lose nothing
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
                RecordLevel(definition, metric, now, version);
            }
            // Open alarms follow the asset when it moves to another district.
            State.Alarms = [.. State.Alarms.Select(a => a.IsOpen ? a with { NodeId = definition.NodeId } : a)];
        }
        State.Version = version;
        await _write.WriteNowAsync(); // registrations and thresholds are always durable

        if (previous is not null && previous.NodeId != definition.NodeId)
        {
            await GrainFactory.ByKey<IDistrictGrain>(previous.NodeId).Remove(definition.Id, State.Version);
        }
        await ReportAsync();
        return previous is null ? RegistrationOutcome.Created : RegistrationOutcome.Updated;
    }

    public async Task<ReadingOutcome[]> Apply(Reading[] readings, Ack ack = Ack.Accepted, WriteScope? scope = null)
    {
        var outcomes = new ReadingOutcome[readings.Length];
        var definition = State.Definition;
        if (definition is null)
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

        var kind = AssetCatalog.Get(definition.Kind);
        var accepted = 0;
        var alarmsChanged = false;
        var version = Versions.Next(State.Version, services.Clock); // one version for everything this call changes
        for (var i = 0; i < readings.Length; i++)
        {
            if (IsRedelivery(readings[i]))
            {
                outcomes[i] = ReadingOutcome.Accepted; // already applied: acknowledged again, applied once
                continue;
            }
            outcomes[i] = Check(kind, readings[i]);
            if (outcomes[i].IsAccepted)
            {
                alarmsChanged |= Accept(definition, kind, readings[i], version);
                accepted++;
            }
        }

        if (accepted > 0)
        {
            State.LastHeardAt = services.Clock.GetUtcNow();
            State.Version = version;
            _write.Request();
        }
        // Alarm state is always durable: a reading that opened, escalated or cleared an alarm is stored before the answer.
        if ((ack == Ack.Durable || alarmsChanged) && _write.Pending && !await TryWriteNowAsync())
        {
            // Applied here but not in storage: not acknowledged. The write stays pending, and a retry of the same
            // items is accepted again (a redelivered latest reading is not a duplicate), so retrying is safe.
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
            if (alarmsChanged)
            {
                Notify(); // a status or alarm change goes up at once
            }
            else
            {
                // Values only: told at most once per publish interval, so an asset read many times a second costs
                // its district one call per interval, not one per reading (the district publishes no faster anyway).
                ScheduleReport(services.Rollup.PublishInterval);
            }
        }
        return outcomes;
    }

    public async Task<AcknowledgeResult> Acknowledge(string alarmId, string by, string? comment, string? key = null, WriteScope? scope = null,
        string? expectedRevision = null)
    {
        if (scope is not null && State.Definition is { } definition && !scope.Allows(definition.NodeId))
        {
            return new AcknowledgeResult(AcknowledgeOutcome.OutOfScope, null);
        }
        var result = AlarmBook.Acknowledge(State.Alarms, alarmId, by, comment, key, services.Clock.GetUtcNow(), Versions.Next(State.Version, services.Clock),
            expectedRevision);
        if (result.Outcome == AcknowledgeOutcome.Acknowledged)
        {
            State.Version = result.Alarm!.Version;
            _write.Request();
        }
        // Acknowledgements are durable before the answer, a repeated one too if the first write did not get through.
        if (result.Outcome is AcknowledgeOutcome.Acknowledged or AcknowledgeOutcome.AlreadyAcknowledged && _write.Pending)
        {
            await _write.WriteNowAsync();
        }
        if (result.Outcome == AcknowledgeOutcome.Acknowledged)
        {
            Notify();
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
            ReportSoon();
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
            State.Version, State.LastSeq, State.LastReadingAt, contribution.SilentAfter, [.. State.Alarms]));
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

    /// <summary>Applies one checked reading; true when an alarm was opened, changed level or cleared.</summary>
    private bool Accept(AssetDefinition definition, AssetKindDefinition kind, Reading reading, long version)
    {
        var alarmsChanged = false;
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
            alarmsChanged |= RecordLevel(definition, m, reading.Ts, version);
        }
        (_history ??= new AssetHistory(services.HistoryReadings, kind.MetricNames)).Add(reading.Ts, reading.Metrics);
        State.LastReadingAt = reading.Ts;
        State.LastSeq = reading.Seq ?? State.LastSeq;
        return alarmsChanged;
    }

    private bool RecordLevel(AssetDefinition definition, in LatestMetric metric, DateTimeOffset at, long version)
    {
        var number = State.AlarmNumber;
        var changed = AlarmBook.OnLevel(State.Alarms, ref number, definition.Id, definition.NodeId, metric.Name, metric.Level, metric.Value, at, version);
        State.AlarmNumber = number;
        return changed;
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

    /// <summary>Reports to the district on a turn of its own (not inside activation, nor inside a district's call).</summary>
    private void ReportSoon() => ScheduleReport(TimeSpan.Zero);

    /// <summary>Reports the then-latest state to the district after <paramref name="delay"/>, once however often asked meanwhile.</summary>
    private void ScheduleReport(TimeSpan delay)
    {
        if (!_reportScheduled)
        {
            _reportScheduled = true;
            services.Wakeups.Schedule(GrainContext.Scheduler, delay, static state => ((AssetGrain)state).OnReportDue(), this);
        }
    }

    private void OnReportDue()
    {
        _reportScheduled = false;
        if (!_deactivated)
        {
            Notify();
        }
    }

    private async Task<bool> TryWriteNowAsync()
    {
        try
        {
            await _write.WriteNowAsync();
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            services.DurableWriteFailed.Report(ex, this.GetPrimaryKeyString());
            return false;
        }
    }

    /// <summary>Tells the district without waiting for it (one-way).</summary>
    private void Notify()
    {
        var definition = State.Definition!;
        _ = GrainFactory.ByKey<IDistrictGrain>(definition.NodeId).Update(Contribution(definition));
    }

    /// <summary>Tells the district and waits (registration); if it cannot be reached now, the next flush tries again.</summary>
    private async Task ReportAsync()
    {
        var definition = State.Definition!;
        try
        {
            await GrainFactory.ByKey<IDistrictGrain>(definition.NodeId).Report(Contribution(definition));
            _contributionPending = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            services.ReportFailed.Report(ex, $"{definition.Id} to {definition.NodeId}");
            _contributionPending = true;
            _write.Request();
        }
    }

    async Task IWrittenBehind.WriteStoredStateAsync()
    {
        await services.Storage.WriteStateAsync(StateName, this.GetGrainId(), _stored);
        if (_contributionPending)
        {
            await ReportAsync();
        }
    }
}
