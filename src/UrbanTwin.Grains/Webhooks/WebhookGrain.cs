using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Domain.Topology;
using UrbanTwin.Domain.NgsiLd;
using UrbanTwin.Domain.Webhooks;
using UrbanTwin.Contracts.Events;
using UrbanTwin.EventLog;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Webhooks;

/// <summary>
/// One subscription and the delivery of its events. Its events come from its own consumer group in the durable event
/// log, never from memory: an event is acknowledged there only once the receiver answered 2xx or it was
/// dead-lettered, so what a crashed activation had in flight is taken up again by the next one (at least once).
/// Deliveries run on a non-interleaving grain timer, every <see cref="WebhookOptions.PollInterval"/>: an ordinary
/// turn, so the subscription's other calls wait for it (at most the delivery timeout; its reads interleave).
/// One asset's events go one at a time and in log order; different assets' go up to
/// <see cref="WebhookOptions.MaxInFlight"/> at once. After a failure the whole subscription waits its retry delay and
/// then sends what failed, and what followed it, again; other subscriptions are not held up.
/// </summary>
public sealed partial class WebhookGrain(
    [PersistentState("webhook", StorageNames.Default)] IPersistentState<WebhookGrainState> store,
    IEventLog log, WebhookSender sender, NgsiLdWatch watch, IOptions<WebhookOptions> options, TimeProvider clock, SiloMetrics metrics,
    ILogger<WebhookGrain> logger)
    : Grain, IWebhookGrain
{
    private static readonly TimeSpan TopologyRefresh = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProgressRefresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan OutageBackoff = TimeSpan.FromSeconds(1);

    private readonly WebhookOptions _settings = options.Value;
    /// <summary>
    /// Failed attempts per event, by partition and position (a position alone is not unique: each partition's stream
    /// numbers its entries by its own clock, so events written together in two partitions share one). In memory:
    /// after a crash an event gets its retries again, which at-least-once allows.
    /// </summary>
    private readonly Dictionary<(int Partition, string Position), int> _attempts = [];
    private IGrainTimer? _timer;
    /// <summary>Whether the group's reader may have events taken and not acknowledged (always so after an activation).</summary>
    private bool _takeUpPending = true;
    private DateTimeOffset _nextAttemptAt;
    private (string Node, HashSet<string> Nodes, DateTimeOffset At)? _nodesUnder;
    private DateTimeOffset _savedAt;
    private bool _unsaved;
    private DateTimeOffset _progressAt;

    private WebhookGrainState State => store.State;
    private string Id => this.GetPrimaryKeyString();
    private string Group => WebhookRegistry.GroupOf(Id);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Definition is not null)
        {
            StartDelivering();
        }
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.ForgetWebhook(Id);
        if (_unsaved && State.Definition is not null)
        {
            await SaveAsync();
        }
    }

    public async Task<string?> Create(WebhookDefinition definition)
    {
        if (State.Definition is not null)
        {
            return null;
        }
        var secret = NewSecret();
        await log.CreateGroupAsync(Group); // at the log's end: the subscription gets what happens from now on
        State.Definition = definition;
        if (definition.NgsiLd is { } ngsi)
        {
            watch.Add(ngsi); // this silo's assets log what it watches from now on; the others from their keeper's next round
        }
        State.Secrets = [new SigningSecret(secret, null)];
        State.State = WebhookState.Active;
        await SaveAsync();
        await GrainFactory.ByKey<IWebhookRegistryGrain>(WebhookRegistry.Key).Add(Id);
        StartDelivering();
        return secret;
    }

    public async Task<WebhookSubscription?> Get()
    {
        if (State.Definition is not { } definition)
        {
            return null;
        }
        var progress = await log.ProgressAsync(Group);
        return new WebhookSubscription(definition, State.State, State.StateReason,
            new WebhookDelivery(State.Delivered, progress.Backlog + State.Replays.Count, State.Failed, State.DeadLettered, State.LastSuccessAt,
                State.LastFailureAt, State.LastError, State.ConsecutiveFailures, progress.OldestPendingAt),
            State.SecretRotatedAt);
    }

    public async Task<WebhookSubscription?> Change(WebhookChange change)
    {
        if (State.Definition is not { } definition)
        {
            return null;
        }
        State.Definition = definition with
        {
            Url = change.Url ?? definition.Url,
            Filter = change.Filter ?? definition.Filter,
            Description = change.Description ?? definition.Description,
            NgsiLd = change.NgsiLd ?? definition.NgsiLd,
        };
        if (change.NgsiLd is { } ngsi)
        {
            watch.Add(ngsi);
        }
        if (change.State is { } wanted && wanted != State.State)
        {
            State.State = wanted;
            State.StateReason = wanted == WebhookState.Paused ? "paused by its owner" : null;
            if (wanted == WebhookState.Active)
            {
                if (State.Definition.NgsiLd is not null)
                {
                    // An NGSI-LD subscription made active again is notified of what changes from now on (clause 5.2.12):
                    // its place in the log moves to the end, past whatever was logged while it was not active.
                    await log.DeleteGroupAsync(Group);
                    await log.CreateGroupAsync(Group);
                    _takeUpPending = false;
                }
                // Resumed (also after the twin disabled it): deliver at once, with a fresh run of retries.
                State.ConsecutiveFailures = 0;
                State.FailingSince = null;
                _nextAttemptAt = default;
                _attempts.Clear();
            }
        }
        _nodesUnder = null;
        await SaveAsync();
        return await Get();
    }

    /// <summary>The cancellation of the delivery turn in progress, for <see cref="Interrupt"/>; null between turns.</summary>
    private CancellationTokenSource? _sending;

    private CancellationToken Sending => _sending?.Token ?? CancellationToken.None;

    public async Task<bool> Delete()
    {
        if (State.Definition is null)
        {
            return false;
        }
        _timer?.Dispose();
        _timer = null;
        await log.DeleteGroupAsync(Group);
        await GrainFactory.ByKey<IWebhookRegistryGrain>(WebhookRegistry.Key).Remove(Id);
        await store.ClearStateAsync();
        _unsaved = false;
        DeactivateOnIdle();
        return true;
    }

    public async Task<WebhookSecret?> RotateSecret()
    {
        if (State.Definition is null)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var secret = NewSecret();
        State.Secrets = [new SigningSecret(secret, null), .. State.Secrets
            .Where(s => s.SignsAt(now))
            .Select(s => s with { ValidUntil = s.ValidUntil is { } until && until < now + _settings.SecretGrace ? until : now + _settings.SecretGrace })];
        State.SecretRotatedAt = now;
        await SaveAsync();
        return new WebhookSecret(secret, State.Secrets.Skip(1).Select(s => s.ValidUntil).Max() ?? now);
    }

    public Task<DeadLetter[]?> GetDeadLetters() => Task.FromResult(State.Definition is null ? null : State.DeadLetters.ToArray());

    public async Task<int?> ReplayDeadLetters()
    {
        if (State.Definition is null)
        {
            return null;
        }
        var count = State.DeadLetters.Count;
        State.Replays.AddRange(State.DeadLetters);
        State.DeadLetters.Clear();
        await SaveAsync();
        return count;
    }

    public Task Wake()
    {
        if (State.Definition is null)
        {
            DeactivateOnIdle(); // woken for a subscription that was deleted meanwhile
        }
        return Task.CompletedTask;
    }

    private void StartDelivering() =>
        _timer ??= this.RegisterGrainTimer(DeliverAsync, new GrainTimerCreationOptions(_settings.PollInterval, _settings.PollInterval) { KeepAlive = true });

    /// <summary>One delivery turn: replays first, then pending events, then new ones, until none is left, one fails or the turn's budget is spent.</summary>
    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        using var sending = _sending = new CancellationTokenSource();
        try
        {
            await DeliverTurnAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (sending.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Interrupted for a change or a deletion: nothing in flight was acknowledged, so it is taken up again (at least once).
            _takeUpPending = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The log or the grain's storage is away (Redis restarting): nothing was acknowledged, so nothing is lost.
            // Try again a little later; the backlog metric shows the pause.
            _takeUpPending = true;
            _nextAttemptAt = clock.GetUtcNow() + OutageBackoff;
            LogTurnFailed(ex, Id);
        }
        finally
        {
            _sending = null;
        }
    }

    /// <summary>
    /// Runs beside a delivery turn (it interleaves, and touches nothing but the turn's cancellation): the sends in flight
    /// stop, so the change, rotation, replay or deletion the gateway sends next waits for no receiver. A receiver that
    /// never answers would otherwise hold every such call for the delivery timeout.
    /// </summary>
    public Task Interrupt()
    {
        _sending?.Cancel();
        return Task.CompletedTask;
    }

    private async Task DeliverTurnAsync(CancellationToken cancellationToken)
    {
        // A paused NGSI-LD subscription goes on reading its events and drops them: it is not notified of what changed
        // while it was not active (clause 5.2.12), where a paused webhook keeps its events for when it resumes.
        if (State.Definition is { } definition && (State.State == WebhookState.Active || (State.State == WebhookState.Paused && definition.NgsiLd is not null))
            && clock.GetUtcNow() >= _nextAttemptAt)
        {
            var until = clock.GetUtcNow() + _settings.TurnBudget;
            if (State.Replays.Count == 0 || await ReplayAsync(definition))
            {
                while (clock.GetUtcNow() < until && State.State != WebhookState.Disabled)
                {
                    var batch = await log.ReadGroupAsync(Group, _takeUpPending, _settings.BatchSize, cancellationToken);
                    if (batch.Count == 0 && _takeUpPending)
                    {
                        _takeUpPending = false; // nothing left pending: on to new events
                        continue;
                    }
                    if (batch.Count == 0 || !await DeliverBatchAsync(definition, batch))
                    {
                        break;
                    }
                }
            }
        }
        await ReportProgressAsync();
        if (_unsaved && clock.GetUtcNow() - _savedAt >= _settings.StatusSaveInterval)
        {
            await SaveAsync();
        }
    }

    /// <summary>Delivers a batch; true when every matching event was delivered (or dead-lettered).</summary>
    private async Task<bool> DeliverBatchAsync(WebhookDefinition definition, IReadOnlyList<LoggedEvent> batch)
    {
        var inNode = await NodeFilterAsync(definition.Filter);
        var done = new List<LoggedEvent>(batch.Count);
        var matched = new List<LoggedEvent>(batch.Count);
        var arrivedAt = clock.GetUtcNow();
        foreach (var e in batch)
        {
            var passes = definition.NgsiLd is { } ngsi ? Notifies(ngsi, e.Event, inNode, arrivedAt) : WebhookFilters.Matches(definition.Filter, e.Event, inNode);
            (passes ? matched : done).Add(e);
        }
        var secrets = CurrentSecrets();
        var delivered = new List<LoggedEvent>();
        var failures = new List<(LoggedEvent Event, DeliveryOutcome Outcome)>();
        using var slots = new SemaphoreSlim(_settings.MaxInFlight);
        // The continuations all run on this activation, one at a time: the lists need no lock.
        await Task.WhenAll(matched.GroupBy(e => e.Event.Subject, StringComparer.Ordinal).Select(async chain =>
        {
            await slots.WaitAsync();
            try
            {
                foreach (var e in chain)
                {
                    var (contentType, link) = MediaOf(definition);
                    var outcome = await sender.SendAsync(definition.Url, e.Event.Id, Body(definition, e.Event), secrets, Sending, contentType, link);
                    if (!outcome.Delivered)
                    {
                        failures.Add((e, outcome)); // the rest of this asset's events wait behind it
                        return;
                    }
                    delivered.Add(e);
                }
            }
            finally
            {
                slots.Release();
            }
        }));

        var now = clock.GetUtcNow();
        foreach (var e in delivered)
        {
            _attempts.Remove((e.Partition, e.Position));
            metrics.WebhookDeliveryLatency.Record((now - DateTimeOffset.FromUnixTimeMilliseconds(StreamId.Parse(e.Position).Ms)).TotalSeconds);
        }
        metrics.CountWebhookDeliveries(delivered.Count, "delivered");
        done.AddRange(delivered);
        if (delivered.Count > 0)
        {
            State.Delivered += delivered.Count;
            State.LastSuccessAt = now;
            _unsaved = true;
        }
        if (failures.Count == 0)
        {
            if (delivered.Count > 0)
            {
                State.ConsecutiveFailures = 0;
                State.FailingSince = null;
            }
            await log.AckAsync(Group, done);
            return true;
        }

        await FailedAsync(failures, done, now);
        return false;
    }

    /// <summary>When this NGSI-LD subscription may notify next (its throttling); in memory, so a new activation may notify once early.</summary>
    private DateTimeOffset _notifyAllowedAt;

    /// <summary>The NGSI-LD part's selectors, q and geo-query, prepared once for the part it was made from (a change makes another).</summary>
    private (NgsiLdSubscription For, AssetEntityMatcher Matcher)? _matcher;

    /// <summary>
    /// Whether an event notifies this NGSI-LD subscription: of an entity it watches, under its node (a scoped key's),
    /// not expired, and not within <c>throttling</c> of the last notification (an event that falls within is dropped,
    /// as clause 5.2.12 has it).
    /// </summary>
    private bool Notifies(NgsiLdSubscription ngsi, TwinEvent e, Func<string, bool> inNode, DateTimeOffset now)
    {
        if (State.State != WebhookState.Active || (State.Definition!.Filter.Node is not null && !inNode(e.NodeId)) || ngsi.ExpiresAt <= now || now < _notifyAllowedAt)
        {
            return false;
        }
        if (_matcher is not { } prepared || !ReferenceEquals(prepared.For, ngsi))
        {
            _matcher = prepared = (ngsi, NgsiLdNotifications.MatcherFor(ngsi));
        }
        if (!NgsiLdNotifications.Matches(ngsi, prepared.Matcher, e))
        {
            return false;
        }
        if (ngsi.ThrottlingSeconds is { } seconds and > 0)
        {
            _notifyAllowedAt = now + TimeSpan.FromSeconds(seconds);
        }
        return true;
    }

    /// <summary>What a receiver is sent for an event: a webhook's message, or an NGSI-LD Notification.</summary>
    private string Body(WebhookDefinition definition, TwinEvent e) =>
        definition.NgsiLd is { } ngsi ? NgsiLdNotifications.Body(ngsi, Id, e, clock.GetUtcNow()) : WebhookMessage.Body(e);

    /// <summary>Its media type and <c>Link</c> header: JSON, or an NGSI-LD Notification in JSON (its context linked) or JSON-LD.</summary>
    private static (string ContentType, string? Link) MediaOf(WebhookDefinition definition) => definition.NgsiLd switch
    {
        null => ("application/json", null),
        { JsonLd: true } => ("application/ld+json", null),
        { } ngsi => ("application/json", NgsiLdFormats.ContextLink(ngsi.ContextUrl)),
    };

    /// <summary>Counts the failures, dead-letters what has had its last retry, and sets when to try again.</summary>
    private async Task FailedAsync(List<(LoggedEvent Event, DeliveryOutcome Outcome)> failures, List<LoggedEvent> done, DateTimeOffset now)
    {
        metrics.CountWebhookDeliveries(failures.Count, "failed");
        State.Failed += failures.Count;
        State.LastFailureAt = now;
        State.LastError = failures[0].Outcome.Error;
        State.ConsecutiveFailures += failures.Count;
        State.FailingSince ??= now;
        var retry = 0;
        TimeSpan? retryAfter = null;
        var givenUp = 0;
        foreach (var (e, outcome) in failures)
        {
            var attempts = _attempts[(e.Partition, e.Position)] = _attempts.GetValueOrDefault((e.Partition, e.Position)) + 1;
            if (attempts > _settings.Retries.Count)
            {
                AddDeadLetter(new DeadLetter(e.Event.Id, e.Event.Type, e.Event.AssetId, e.Event.NodeId, e.Event.Time, attempts,
                    outcome.Error ?? "failed", now, Body(State.Definition!, e.Event)));
                _attempts.Remove((e.Partition, e.Position));
                done.Add(e);
                givenUp++;
                continue;
            }
            retry = Math.Max(retry, attempts);
            if (outcome.RetryAfter is { } asked && (retryAfter is null || asked > retryAfter))
            {
                retryAfter = asked;
            }
        }
        if (givenUp > 0)
        {
            metrics.CountWebhookDeliveries(givenUp, "dead_lettered");
            State.DeadLettered += givenUp;
            await SaveAsync(); // the dead letters are stored before their events leave the log
        }
        await log.AckAsync(Group, done);

        if (failures.Any(f => f.Outcome.Gone))
        {
            Disable("the receiver answered 410 Gone");
        }
        else if (State.ConsecutiveFailures >= _settings.DisableAfterFailures && now - State.FailingSince >= _settings.DisableAfter)
        {
            Disable($"{State.ConsecutiveFailures} failed attempts in a row since {State.FailingSince:u}; last: {State.LastError}");
        }
        _takeUpPending = true;
        var delay = retry == 0 ? TimeSpan.Zero : RetrySchedule.DelayBefore(retry, _settings.Retries, retryAfter, Random.Shared.NextDouble()) ?? TimeSpan.Zero;
        _nextAttemptAt = now + delay;
        _unsaved = true;
        LogDeliveryFailed(Id, failures.Count, State.LastError, delay);
    }

    /// <summary>Sends the replayed dead letters in order; true when all went through.</summary>
    private async Task<bool> ReplayAsync(WebhookDefinition definition)
    {
        var secrets = CurrentSecrets();
        while (State.Replays.Count > 0)
        {
            var letter = State.Replays[0];
            var (contentType, link) = MediaOf(definition);
            var outcome = await sender.SendAsync(definition.Url, letter.EventId, letter.Body, secrets, Sending, contentType, link);
            var now = clock.GetUtcNow();
            if (!outcome.Delivered)
            {
                // Back to the dead letters, this attempt counted: a replay is one more try, not a new run of retries.
                State.DeadLetters.InsertRange(0, [letter with { Attempts = letter.Attempts + 1, LastError = outcome.Error ?? "failed", DeadLetteredAt = now }, .. State.Replays.Skip(1)]);
                State.Replays.Clear();
                State.Failed++;
                State.LastFailureAt = now;
                State.LastError = outcome.Error;
                metrics.CountWebhookDeliveries(1, "failed");
                await SaveAsync();
                return false;
            }
            State.Replays.RemoveAt(0);
            State.Delivered++;
            State.LastSuccessAt = now;
            metrics.CountWebhookDeliveries(1, "delivered");
        }
        await SaveAsync();
        return true;
    }

    private void AddDeadLetter(DeadLetter letter)
    {
        State.DeadLetters.Add(letter);
        if (State.DeadLetters.Count > _settings.MaxDeadLetters)
        {
            State.DeadLetters.RemoveAt(0);
            LogDeadLetterDropped(Id, _settings.MaxDeadLetters);
        }
    }

    private void Disable(string reason)
    {
        State.State = WebhookState.Disabled;
        State.StateReason = reason;
        LogDisabled(Id, reason);
    }

    /// <summary>Which nodes the filter's node covers (itself and all below), from the topology (read again every half minute, so new districts count).</summary>
    private async ValueTask<Func<string, bool>> NodeFilterAsync(WebhookFilter filter)
    {
        if (filter.Node is not { } node)
        {
            return static _ => true;
        }
        var now = clock.GetUtcNow();
        if (_nodesUnder is not { } known || known.Node != node || now - known.At > TopologyRefresh)
        {
            var snapshot = await GrainFactory.ByKey<ITopologyGrain>(ITopologyGrain.Key).GetSnapshot();
            _nodesUnder = known = (node, Subtree.NodesUnder(snapshot.Nodes, node), now);
        }
        return known.Nodes.Contains;
    }

    private async Task ReportProgressAsync()
    {
        var now = clock.GetUtcNow();
        if (now - _progressAt < ProgressRefresh || State.Definition is null)
        {
            return;
        }
        _progressAt = now;
        try
        {
            metrics.SetWebhookProgress(Id, await log.ProgressAsync(Group), now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogProgressFailed(ex, Id);
        }
    }

    private string[] CurrentSecrets()
    {
        var now = clock.GetUtcNow();
        return [.. State.Secrets.Where(s => s.SignsAt(now)).Select(s => s.Secret)];
    }

    private async Task SaveAsync()
    {
        await store.WriteStateAsync();
        _savedAt = clock.GetUtcNow();
        _unsaved = false;
    }

    /// <summary>A Standard Webhooks secret: <c>whsec_</c> and the base64 of 32 random bytes.</summary>
    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Subscription}: {Count} deliveries failed ({Error}); trying again in {Delay}")]
    private partial void LogDeliveryFailed(string subscription, int count, string? error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {Subscription} disabled: {Reason}")]
    private partial void LogDisabled(string subscription, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Subscription}: the oldest dead letter was dropped (at most {Max} are kept)")]
    private partial void LogDeadLetterDropped(string subscription, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Subscription}: a delivery turn failed (the event log or storage is away?); trying again in a second")]
    private partial void LogTurnFailed(Exception exception, string subscription);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {Subscription}: could not read its progress in the event log")]
    private partial void LogProgressFailed(Exception exception, string subscription);
}
