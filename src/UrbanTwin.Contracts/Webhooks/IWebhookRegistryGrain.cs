namespace UrbanTwin.Contracts.Webhooks;

/// <summary>The ids of every webhook subscription (key <c>default</c>): for listing, and for keeping each one active.</summary>
[Alias("ut.IWebhookRegistryGrain")]
public interface IWebhookRegistryGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task Add(string id);

    [Alias("Remove")]
    Task Remove(string id);

    [Alias("List")]
    Task<string[]> List();
}
