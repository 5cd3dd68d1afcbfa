using Microsoft.AspNetCore.Hosting;

namespace UrbanTwin.Gateway.Tests.Webhooks;

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookGatewayFixture>
{
    public const string Name = "webhooks";
}

/// <summary>
/// An embedded gateway of its own (the events of other tests' assets do not reach it) with a receiver, loopback targets
/// allowed, and delivery timings short enough for failures to play out in seconds: nine quick retries (20–44 ms) and a
/// last one after <see cref="LastRetry"/>, so a receiver that is down for a second loses nothing and one that always
/// fails is dead-lettered within a few seconds.
/// </summary>
public sealed class WebhookGatewayFixture : GatewayFixture
{
    public const int Retries = 10;
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(3);

    public WebhookReceiver Receiver { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Webhooks:AllowPrivateTargets", "true");
        builder.UseSetting("Webhooks:PollInterval", "00:00:00.020");
        builder.UseSetting("Webhooks:Timeout", DeliveryTimeout.ToString());
        builder.UseSetting("Webhooks:KeepAliveInterval", "00:00:01");
        builder.UseSetting("Webhooks:StatusSaveInterval", "00:00:00.200");
        for (var i = 0; i < Retries; i++)
        {
            builder.UseSetting($"Webhooks:RetrySchedule:{i}", (i == Retries - 1 ? LastRetry : TimeSpan.FromMilliseconds(20 + 3 * i)).ToString());
        }
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Receiver.StartAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await base.DisposeAsync();
    }
}
