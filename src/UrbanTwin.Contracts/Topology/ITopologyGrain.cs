namespace UrbanTwin.Contracts.Topology;

/// <summary>The one authoritative copy of the node tree (a few hundred nodes). Key: <see cref="Key"/>.</summary>
[Alias("ut.ITopologyGrain")]
public interface ITopologyGrain : IGrainWithStringKey
{
    const string Key = "default";

    /// <summary>
    /// Validates the nodes against the merged tree and, only if all are valid, upserts them durably. With
    /// <paramref name="expectedVersion"/> (an If-Match), nothing changes unless the topology is still at that version
    /// (<see cref="TopologyImportResult.VersionChanged"/>).
    /// </summary>
    [Alias("Import")]
    Task<TopologyImportResult> Import(NodeDefinition[] nodes, long? expectedVersion = null);

    /// <summary>
    /// Upserts indicator figures of one node by (name, period), durably, kept apart from the topology document so a
    /// later topology import does not drop them; the node sees them merged into its definition. The caller validates.
    /// </summary>
    [Alias("ImportIndicators")]
    Task<IndicatorImportResult> ImportIndicators(string nodeId, IndicatorFact[] facts, long? expectedVersion = null);

    [Alias("GetSnapshot")]
    Task<TopologySnapshot> GetSnapshot();

    [Alias("GetVersion")]
    Task<long> GetVersion();
}

[GenerateSerializer, Immutable, Alias("ut.TopologySnapshot")]
public sealed record TopologySnapshot([property: Id(0)] long Version, [property: Id(1)] NodeDefinition[] Nodes);

/// <summary>A field-level validation error; <see cref="Field"/> is a JSON path such as <c>nodes[3].parentId</c>.</summary>
[GenerateSerializer, Immutable, Alias("ut.FieldError")]
public sealed record FieldError([property: Id(0)] string Field, [property: Id(1)] string Message);

[GenerateSerializer, Immutable, Alias("ut.TopologyImportResult")]
public sealed record TopologyImportResult(
    [property: Id(0)] FieldError[] Errors,
    [property: Id(1)] int Created,
    [property: Id(2)] int Updated,
    [property: Id(3)] int Unchanged,
    [property: Id(4)] long Version,
    [property: Id(5)] bool VersionChanged = false)
{
    public bool Succeeded => Errors.Length == 0 && !VersionChanged;
}

[GenerateSerializer, Immutable, Alias("ut.IndicatorImportResult")]
public sealed record IndicatorImportResult(
    [property: Id(0)] bool NodeFound,
    [property: Id(1)] int Created,
    [property: Id(2)] int Updated,
    [property: Id(3)] int Unchanged,
    [property: Id(4)] long Version = 0,
    [property: Id(5)] bool VersionChanged = false);
