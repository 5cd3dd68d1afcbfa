namespace UrbanTwin.Contracts.Ingest;

/// <summary>When a telemetry write is acknowledged (DESIGN.md §4).</summary>
[GenerateSerializer, Alias("ut.Ack")]
public enum Ack
{
    /// <summary>Applied to live state; persisted write-behind within <c>Storage:FlushInterval</c> (the loss window on a crash).</summary>
    Accepted = 0,

    /// <summary>Applied and written to storage before the answer: survives a crash of any silo.</summary>
    Durable = 1,
}
