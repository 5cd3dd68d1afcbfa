namespace UrbanTwin.Contracts.Webhooks;

public static class WebhookRegistry
{
    /// <summary>The one registry grain's key.</summary>
    public const string Key = "default";

    /// <summary>A subscription's consumer group in the event log.</summary>
    public static string GroupOf(string subscriptionId) => "webhook:" + subscriptionId;
}
