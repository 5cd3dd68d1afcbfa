using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Webhooks;

[GenerateSerializer, Alias("ut.WebhookRegistryState")]
public sealed class WebhookRegistryState
{
    [Id(0)] public SortedSet<string> Ids { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The ids of every subscription, in id order.</summary>
public sealed class WebhookRegistryGrain(
    [PersistentState("webhooks", StorageNames.Default)] IPersistentState<WebhookRegistryState> store) : Grain, IWebhookRegistryGrain
{
    public async Task Add(string id)
    {
        if (store.State.Ids.Add(id))
        {
            await store.WriteStateAsync();
        }
    }

    public async Task Remove(string id)
    {
        if (store.State.Ids.Remove(id))
        {
            await store.WriteStateAsync();
        }
    }

    public Task<string[]> List() => Task.FromResult(store.State.Ids.ToArray());
}
