using UrbanTwin.Contracts.Events;

namespace UrbanTwin.EventLog;

/// <summary>An event as the log holds it: where (partition and stream id, <c>{ms}-{seq}</c>) and what.</summary>
public sealed record LoggedEvent(int Partition, string Position, TwinEvent Event);
