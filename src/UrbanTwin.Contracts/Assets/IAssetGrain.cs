using Orleans.Concurrency;

namespace UrbanTwin.Contracts.Assets;

/// <summary>One infrastructure asset: its registration, readings, alarms and recent history.</summary>
[Alias("ut.IAssetGrain")]
public interface IAssetGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers or updates the asset, durably. Re-registering the same definition is a no-op. With a
    /// <paramref name="scope"/>, an asset registered in a district outside it is left alone (<see cref="RegistrationOutcome.OutOfScope"/>).
    /// </summary>
    [Alias("Register")]
    Task<RegistrationOutcome> Register(AssetDefinition definition, Access.WriteScope? scope = null);

    /// <summary>
    /// Applies readings in order; one outcome per reading. A rejected reading changes nothing. With
    /// <see cref="Ingest.Ack.Durable"/> the accepted ones are in storage before the answer; if storage fails they
    /// come back as <c>unavailable</c> (retry them: a redelivered latest reading is accepted again, not refused).
    /// With a <paramref name="scope"/> that does not include the asset's district, every reading is refused as out of scope.
    /// The array is not copied between caller and grain in one process (<c>[Immutable]</c>, like its readings): neither
    /// side changes it after the call is made. With a <paramref name="kind"/>, an asset of another kind refuses them as
    /// an unknown asset (an NGSI-LD entity id names the asset with its type).
    /// </summary>
    [Alias("Apply")]
    Task<Ingest.ReadingOutcome[]> Apply([Immutable] Ingest.Reading[] readings, Ingest.Ack ack = Ingest.Ack.Accepted, Access.WriteScope? scope = null,
        string? kind = null);

    /// <summary>
    /// Tells the district this asset's contribution again (used to heal roll-ups after a restart). One-way: the
    /// district asking must not wait on an asset that may be waiting on the district.
    /// </summary>
    [Alias("Refresh"), OneWay]
    Task Refresh();

    /// <summary>
    /// Acknowledges one of this asset's alarms; durable before the answer. Idempotent. <paramref name="key"/> is the
    /// API key that asked, kept with the acknowledgement (<paramref name="by"/> is whoever the caller says they are).
    /// </summary>
    [Alias("Acknowledge")]
    Task<Alarms.AcknowledgeResult> Acknowledge(string alarmId, string by, string? comment, string? key = null, Access.WriteScope? scope = null,
        string? expectedRevision = null);

    /// <summary>The recent readings of one metric between two times, oldest first (kept in memory, up to History:ReadingsPerMetric).</summary>
    [Alias("GetHistory")]
    Task<History.HistoryPoint[]> GetHistory(string metric, DateTimeOffset from, DateTimeOffset to);

    /// <summary>
    /// Deletes the asset, durably: its open alarms clear (with their events), its district lets it go, and it answers as
    /// never registered. Its version is kept, so nothing sent before the deletion can bring it back; registering the id
    /// again creates it anew. With a <paramref name="scope"/> that does not include its district it is left alone.
    /// </summary>
    [Alias("Delete")]
    Task<DeleteOutcome> Delete(Access.WriteScope? scope = null);

    /// <summary>The asset's state, or null when it was never registered.</summary>
    [Alias("Get")]
    Task<AssetSnapshot?> Get();
}
