using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using UrbanTwin.Contracts.Access;
using UrbanTwin.Contracts.Ingest;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Observability;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Mqtt;

/// <summary>
/// Takes telemetry from a broker (the embedded one, or Mosquitto and the like) into the grains, with the same parser,
/// limits and delivery as <c>POST /api/v1/telemetry</c>.
/// <para>
/// At least once: the gateway subscribes with QoS 1 and a persistent session under a stable client id, and
/// acknowledges (PUBACK) a message only once its readings were taken (<c>Mqtt:Ack=durable</c>: once they are in
/// Redis). Items the cluster could not take (<c>unavailable</c>) are tried again after <c>Mqtt:RetryDelay</c> and the
/// message stays unacknowledged meanwhile, so if this process dies the broker hands it to the next session; a
/// redelivered reading is applied once. Refused items are acknowledged, each refusal published on the rejected topic,
/// so a poison message is not redelivered forever.
/// </para>
/// <para>
/// Order: messages are processed in <c>Mqtt:Lanes</c> lanes by topic, one at a time per lane, so one asset's
/// readings (its topic) or one publisher's batches (the batch topic) are applied in the order published.
/// </para>
/// </summary>
public sealed class MqttIngest(
    MqttEndpoint endpoint, IOptions<MqttOptions> options, IOptions<IngestOptions> ingestOptions, TelemetryIngestor ingestor, NodeDirectory directory,
    ApiKeyRing keys, TimeProvider clock, GatewayMetrics metrics, ILogger<MqttIngest> logger) : BackgroundService
{
    private readonly MqttOptions _settings = options.Value;
    private IMqttClient? _client;
    private const int MaxBatchTopics = 10_000;
    private readonly Dictionary<string, int> _batchLanes = new(StringComparer.Ordinal);
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the gateway holds a session at its broker now.</summary>
    public bool IsConnected => _client?.IsConnected == true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (endpoint.Kind == MqttBrokerKind.None)
        {
            return;
        }
        metrics.ObserveMqttConnection(() => IsConnected);
        var lanes = new Channel<MqttApplicationMessageReceivedEventArgs>[_settings.Lanes];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = Channel.CreateUnbounded<MqttApplicationMessageReceivedEventArgs>(new UnboundedChannelOptions { SingleReader = true });
        }
        using var client = new MqttClientFactory().CreateMqttClient();
        _client = client;
        client.ApplicationMessageReceivedAsync += e =>
        {
            e.AutoAcknowledge = false; // acknowledged by its lane once handled
            lanes[LaneOf(e.ApplicationMessage.Topic, lanes.Length)].Writer.TryWrite(e); // unbounded: the broker bounds what is in flight to this client
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += _ =>
        {
            _disconnected.TrySetResult();
            return Task.CompletedTask;
        };
        var workers = lanes.Select(lane => ProcessLaneAsync(lane.Reader, stoppingToken)).ToArray();
        try
        {
            await KeepConnectedAsync(client, stoppingToken);
        }
        finally
        {
            foreach (var lane in lanes)
            {
                lane.Writer.TryComplete();
            }
            await Task.WhenAll(workers);
            if (client.IsConnected)
            {
                // Unacknowledged messages stay in the session for the next start (or another gateway of the group).
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// The lane of a topic: batch topics (a few sources, each sending large messages) get lanes in turn as they first
    /// appear, so eight sources use eight lanes rather than colliding by hash; asset topics (many, small messages) by hash.
    /// Called on MQTTnet's receive loop only, one message at a time.
    /// </summary>
    private int LaneOf(string topic, int lanes)
    {
        if (!endpoint.Topics.TryRoute(topic, out var asset) || asset is not null || _batchLanes.Count >= MaxBatchTopics)
        {
            return (int)((uint)StringComparer.Ordinal.GetHashCode(topic) % (uint)lanes);
        }
        if (!_batchLanes.TryGetValue(topic, out var lane))
        {
            _batchLanes[topic] = lane = _batchLanes.Count % lanes;
        }
        return lane;
    }

    /// <summary>Connects, subscribes, and after a disconnect does it again, waiting longer after each failure.</summary>
    private async Task KeepConnectedAsync(IMqttClient client, CancellationToken stoppingToken)
    {
        var delay = _settings.ReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var connected = await client.ConnectAsync(ClientOptions(), stoppingToken);
                var subscribe = new MqttClientSubscribeOptionsBuilder();
                foreach (var filter in endpoint.Topics.Filters(endpoint.Kind == MqttBrokerKind.External ? _settings.SharedGroup : null))
                {
                    subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
                }
                var subscribed = await client.SubscribeAsync(subscribe.Build(), stoppingToken);
                var refused = subscribed.Items.Where(i => (int)i.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2).ToList();
                if (refused.Count > 0)
                {
                    throw new InvalidOperationException("The broker refused the subscription to " +
                        string.Join(", ", refused.Select(i => $"{i.TopicFilter.Topic} ({i.ResultCode})")));
                }
                logger.LogInformation("MQTT: connected to {Host}:{Port} as {ClientId} (session {Session}); subscribed to {Filters}",
                    endpoint.Host, endpoint.Port, endpoint.ClientId, connected.IsSessionPresent ? "resumed" : "new",
                    string.Join(", ", subscribed.Items.Select(i => i.TopicFilter.Topic)));
                delay = _settings.ReconnectDelay;
                await _disconnected.Task.WaitAsync(stoppingToken);
                logger.LogWarning("MQTT: disconnected from {Host}:{Port}; reconnecting", endpoint.Host, endpoint.Port);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("MQTT: could not connect to {Host}:{Port} ({Error}); trying again in {Delay}", endpoint.Host, endpoint.Port,
                    ex.Message, delay);
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
                }
                try
                {
                    await Task.Delay(delay, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _settings.MaxReconnectDelay.Ticks));
            }
        }
    }

    private MqttClientOptions ClientOptions()
    {
        var host = endpoint.Kind == MqttBrokerKind.Embedded && endpoint.Host is "0.0.0.0" or "::" ? "127.0.0.1" : endpoint.Host;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, endpoint.Port)
            .WithClientId(endpoint.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_settings.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (endpoint.Kind == MqttBrokerKind.Embedded)
        {
            builder.WithCredentials(MqttEndpoint.IngestUser, endpoint.IngestPassword);
        }
        else if (!string.IsNullOrEmpty(_settings.Username))
        {
            builder.WithCredentials(_settings.Username, _settings.Password);
        }
        if (_settings.UseTls)
        {
            builder.WithTlsOptions(tls => tls.UseTls());
        }
        return builder.Build();
    }

    private async Task ProcessLaneAsync(ChannelReader<MqttApplicationMessageReceivedEventArgs> lane, CancellationToken stoppingToken)
    {
        await foreach (var received in lane.ReadAllAsync(CancellationToken.None))
        {
            if (stoppingToken.IsCancellationRequested)
            {
                continue; // not acknowledged: the broker keeps it for the next session
            }
            try
            {
                if (await HandleAsync(received.ApplicationMessage, stoppingToken))
                {
                    await received.AcknowledgeAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                // Not acknowledged: after a reconnect the broker sends it again. Nothing a client publishes gets here
                // (every refusal is an answer); this is a lost connection or a fault of the gateway itself.
                metrics.CountMqttMessage("failed");
                logger.LogWarning(ex, "MQTT: a message on {Topic} was not handled; the broker will send it again", received.ApplicationMessage.Topic);
            }
        }
    }

    /// <summary>Takes one message; true once it may be acknowledged (false: shutting down with items not yet taken).</summary>
    private async Task<bool> HandleAsync(MqttApplicationMessage message, CancellationToken stoppingToken)
    {
        var receivedAt = clock.GetUtcNow();
        var topic = message.Topic;
        // A whole message refused: published, counted, and acknowledged (redelivering it would not change the answer).
        async Task<bool> RefuseAsync(string? asset, string reason, string detail)
        {
            await PublishAsync([new MqttRejection(topic, null, asset, reason, detail, receivedAt)]);
            metrics.CountMqttMessage("refused");
            return true;
        }
        if (!endpoint.Topics.TryRoute(topic, out var topicAsset))
        {
            return await RefuseAsync(null, MqttRejection.MalformedPayload, "not a telemetry topic");
        }
        var payload = message.Payload;
        if (payload.Length > _settings.MaxPayloadBytes)
        {
            return await RefuseAsync(topicAsset, MqttRejection.PayloadTooLarge, $"the payload is {payload.Length} bytes; the limit is {_settings.MaxPayloadBytes}");
        }
        // The parser copies what it keeps, so a payload in one piece (the usual case) is read where it is.
        var (items, error) = TelemetryParser.ParseMessage(payload.IsSingleSegment ? payload.First : payload.ToArray(), ingestOptions.Value, receivedAt,
            new ItemDefaults(topicAsset, receivedAt));
        if (error is not null)
        {
            return await RefuseAsync(topicAsset,
                error.StatusCode == StatusCodes.Status413PayloadTooLarge ? MqttRejection.PayloadTooLarge : MqttRejection.MalformedPayload, error.Message);
        }

        var scope = await ScopeOfAsync(message, stoppingToken);
        var refusals = new List<MqttRejection>();
        var pending = items;
        var accepted = 0;
        while (true)
        {
            var response = await ingestor.IngestAsync(pending, _settings.Ack, scope);
            accepted += response.Accepted;
            var unavailable = new HashSet<int>();
            foreach (var rejection in response.Rejected)
            {
                if (rejection.Reason == RejectionReasons.Unavailable)
                {
                    unavailable.Add(rejection.Index);
                }
                else
                {
                    refusals.Add(new MqttRejection(topic, rejection.Index, rejection.AssetId, rejection.Reason, rejection.Detail, receivedAt));
                }
            }
            if (unavailable.Count == 0)
            {
                break;
            }
            metrics.CountMqttMessage("retried");
            pending = [.. pending.Where(item => unavailable.Contains(item.Index))];
            try
            {
                await Task.Delay(_settings.RetryDelay, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        await PublishAsync(refusals);
        metrics.CountMqttMessage(refusals.Count == 0 ? "accepted" : accepted == 0 ? "refused" : "partial");
        return true;
    }

    /// <summary>
    /// At the embedded broker, the publishing key's scope (stamped on the message by the broker); elsewhere none: the
    /// external broker's access control decides who publishes where.
    /// </summary>
    private async Task<WriteScope?> ScopeOfAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (endpoint.Kind != MqttBrokerKind.Embedded
            || message.UserProperties?.FirstOrDefault(p => p.Name == EmbeddedMqttBroker.KeyProperty) is not { } stamped
            || keys.Named(stamped.ReadValueAsString()) is not { } key)
        {
            return null;
        }
        return await new Caller(key.Name, key.Role, key.Scopes).WriteScopeAsync(directory, cancellationToken);
    }

    /// <summary>Publishes refusals (QoS 1, together); a refusal that cannot be published is logged.</summary>
    private async Task PublishAsync(IReadOnlyCollection<MqttRejection> rejections)
    {
        if (rejections.Count == 0 || _client is not { } client)
        {
            return;
        }
        metrics.CountMqttRejections(rejections.Count);
        var published = rejections.Select(r => client.PublishAsync(r.ToMessage(endpoint.Topics.Rejected), CancellationToken.None));
        try
        {
            await Task.WhenAll(published);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "MQTT: {Count} refusals could not be published on {Topic}", rejections.Count, endpoint.Topics.Rejected);
        }
    }
}
