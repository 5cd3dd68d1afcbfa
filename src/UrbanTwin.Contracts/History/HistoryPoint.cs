namespace UrbanTwin.Contracts.History;

/// <summary>One point of a time series: a reading of an asset's metric, or a sample of a node's aggregate.</summary>
[GenerateSerializer, Immutable, Alias("ut.HistoryPoint")]
public readonly record struct HistoryPoint([property: Id(0)] DateTimeOffset Ts, [property: Id(1)] double Value);
