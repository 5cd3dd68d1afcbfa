using Orleans.Concurrency;

namespace UrbanTwin.Contracts.History;

/// <summary>
/// The writer of one partition of the reading log into the history store (key: the partition, 0–7): one activation in
/// the cluster takes the partition's rows in order, so the store's cursor for it moves forward only.
/// </summary>
public interface IHistoryWriterGrain : IGrainWithIntegerKey
{
    /// <summary>Activates the writer if it is not (after its silo died), so its partition keeps flowing into the store.</summary>
    [Alias("Wake"), OneWay]
    Task Wake();
}
