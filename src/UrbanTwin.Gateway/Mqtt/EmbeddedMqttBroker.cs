using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Mqtt;

/// <summary>
/// The embedded run's MQTT broker (MQTTnet's server), so <c>mosquitto_pub</c> works against <c>dotnet run</c> with
/// nothing else installed. It is only a broker: the gateway's ingest is its client like any other, as it is of an
/// external broker. What it adds is access: in keys mode a client logs in with a key's name and the key as password;
/// the key is stamped on each message it publishes (<see cref="KeyProperty"/>, any such property the client sent is
/// removed), so the ingest applies the key's scope per item as HTTP does; a key that may not write, or publishes too
/// fast, has its message refused on the rejected topic.
/// </summary>
public sealed class EmbeddedMqttBroker(MqttEndpoint endpoint, IOptions<MqttOptions> options, ApiKeyRing keys, TimeProvider clock,
    ILogger<EmbeddedMqttBroker> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>The user property naming the key that published a message (set by this broker only).</summary>
    public const string KeyProperty = "urbantwin-key";

    private const string KeyItem = "urbantwin.key";

    /// <summary>
    /// The CONNECT packet behind a validation. MQTT 3.1.1 lets a client with a clean session send an empty client id
    /// for the server to assign one (3.1.3-6), and <c>mosquitto_pub</c> does so by default; MQTTnet 5.2 assigns ids for
    /// MQTT 5 only and refuses the others, and its event exposes the id read-only. So the id is set on the packet
    /// itself (<c>Mqtt311ClientWithoutAnIdConnects</c> fails if an MQTTnet upgrade moves the field).
    /// </summary>
    private static readonly System.Reflection.FieldInfo? ConnectPacketField =
        typeof(ValidatingConnectionEventArgs).GetField("_connectPacket", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _limiters = new(StringComparer.Ordinal);
    private MqttServer? _server;

    private bool KeysMode => keys.Mode == AuthMode.Keys;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (endpoint.Kind != MqttBrokerKind.Embedded)
        {
            return;
        }
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(options.Value.BindAddress))
            .WithDefaultEndpointPort(endpoint.Port)
            .WithPersistentSessions()
            // The ingest's session holds what it has not acknowledged yet: a bound would drop telemetry.
            .WithMaxPendingMessagesPerClient(1_000_000)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        await _server.StartAsync();
        logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port} ({Access})", options.Value.BindAddress, endpoint.Port,
            KeysMode ? "API keys: user name = key name, password = key" : "open");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId) && e.CleanSession != false)
        {
            var assigned = "auto-" + Guid.NewGuid().ToString("N");
            e.AssignedClientIdentifier = assigned; // MQTT 5: MQTTnet assigns it and tells the client
            if (e.ProtocolVersion != MQTTnet.Formatter.MqttProtocolVersion.V500 && ConnectPacketField?.GetValue(e) is MqttConnectPacket packet)
            {
                packet.ClientId = assigned;
            }
        }
        if (e.UserName == MqttEndpoint.IngestUser)
        {
            e.ReasonCode = e.Password == endpoint.IngestPassword ? MqttConnectReasonCode.Success : MqttConnectReasonCode.BadUserNameOrPassword;
            return Task.CompletedTask;
        }
        if (!KeysMode)
        {
            return Task.CompletedTask;
        }
        if (keys.Find(e.Password) is not { } key || key.Name != e.UserName)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            return Task.CompletedTask;
        }
        e.SessionItems[KeyItem] = key.Name;
        return Task.CompletedTask;
    }

    /// <summary>In keys mode a device may follow the refusals, not other devices' telemetry.</summary>
    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (KeysMode && e.UserName != MqttEndpoint.IngestUser && e.TopicFilter.Topic != endpoint.Topics.Rejected)
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        }
        return Task.CompletedTask;
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        if (e.UserName == MqttEndpoint.IngestUser)
        {
            return; // the ingest's own refusals
        }
        var message = e.ApplicationMessage;
        message.UserProperties?.RemoveAll(p => p.Name == KeyProperty);
        if (message.Topic == endpoint.Topics.Rejected)
        {
            Refuse(e); // only the twin says what it refused
            return;
        }
        if (!KeysMode)
        {
            return;
        }
        if (!endpoint.Topics.TryRoute(message.Topic, out _))
        {
            Refuse(e); // in keys mode the broker carries telemetry, nothing else
            return;
        }
        var name = (string)e.SessionItems[KeyItem]!;
        var key = keys.Named(name);
        string? refusal = key is null || !key.Role.Grants(Permission.Write) ? MqttRejection.Forbidden
            : options.Value.MessagesPerSecondPerKey > 0 && !Limiter(key).AttemptAcquire().IsAcquired ? MqttRejection.RateLimited
            : null;
        if (refusal is not null)
        {
            Refuse(e);
            var detail = refusal == MqttRejection.Forbidden
                ? $"the key '{name}' may not write telemetry ({Permissions.Describe(Permission.Write)} may)"
                : $"the key '{name}' published more than {options.Value.MessagesPerSecondPerKey} messages a second";
            await PublishRejectionAsync(new MqttRejection(message.Topic, null, null, refusal, detail, clock.GetUtcNow()));
            return;
        }
        (message.UserProperties ??= []).Add(new MqttUserProperty(KeyProperty, System.Text.Encoding.UTF8.GetBytes(name).AsMemory()));
    }

    private static void Refuse(InterceptingPublishEventArgs e)
    {
        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
    }

    private TokenBucketRateLimiter Limiter(ApiKey key)
    {
        var perSecond = options.Value.MessagesPerSecondPerKey;
        return _limiters.GetOrAdd(key.Name, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond * 2,
            TokensPerPeriod = Math.Max(1, perSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    private Task PublishRejectionAsync(MqttRejection rejection) =>
        _server!.InjectApplicationMessage(new InjectedMqttApplicationMessage(rejection.ToMessage(endpoint.Topics.Rejected))
        {
            SenderClientId = "urbantwin", SenderUserName = MqttEndpoint.IngestUser, // the twin speaking: not intercepted as a device
        });
}
