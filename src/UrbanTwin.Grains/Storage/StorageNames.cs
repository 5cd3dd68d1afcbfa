namespace UrbanTwin.Grains.Storage;

public static class StorageNames
{
    /// <summary>
    /// Topology, nodes and roll-up caches: low write rates. Memory when embedded; in a cluster the Orleans Redis
    /// provider (Microsoft.Orleans.Persistence.Redis).
    /// </summary>
    public const string Default = "urbantwin";

    // Assets are stored through the LiveStore (InProcessLiveStore embedded, RedisLiveStore in a cluster), not a named provider.
}
