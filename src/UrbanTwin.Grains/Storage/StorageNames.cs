namespace UrbanTwin.Grains.Storage;

public static class StorageNames
{
    /// <summary>
    /// Topology, nodes and roll-up caches: low write rates. Memory when embedded; in a cluster the Orleans Redis
    /// provider (Microsoft.Orleans.Persistence.Redis).
    /// </summary>
    public const string Default = "urbantwin";

    /// <summary>
    /// Assets: one write per update burst, and every <c>ack=durable</c> batch waits on it. Memory when embedded; in
    /// a cluster <see cref="RedisGroupCommitStorage"/>, which batches many grains' writes into one Redis round trip.
    /// </summary>
    public const string Live = "urbantwin-live";
}
