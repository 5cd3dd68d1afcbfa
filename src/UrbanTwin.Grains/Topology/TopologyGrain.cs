using UrbanTwin.Contracts.Topology;
using UrbanTwin.Grains.Observability;
using UrbanTwin.Grains.Storage;
using UrbanTwin.Domain.Topology;

namespace UrbanTwin.Grains.Topology;

[GenerateSerializer, Alias("ut.TopologyState")]
public sealed class TopologyState
{
    /// <summary>Nodes in import order: children are listed in the order they were first imported.</summary>
    [Id(0)] public List<NodeDefinition> Nodes { get; set; } = [];
    [Id(1)] public long Version { get; set; }
    /// <summary>Figures imported per node through the indicators API, merged over the document's own.</summary>
    [Id(2)] public Dictionary<string, List<IndicatorFact>> Imported { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The authoritative node tree. Imports are validated against the merged tree and applied whole or not at all;
/// the node grains then receive their definitions and child lists.
/// </summary>
public sealed class TopologyGrain(
    [PersistentState("topology", StorageNames.Default)] IPersistentState<TopologyState> store) : Grain, ITopologyGrain
{
    private Dictionary<string, NodeDefinition> _byId = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _byId = store.State.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public async Task<TopologyImportResult> Import(NodeDefinition[] nodes, long? expectedVersion = null)
    {
        if (expectedVersion is { } expected && expected != store.State.Version)
        {
            return new TopologyImportResult([], 0, 0, 0, store.State.Version, VersionChanged: true);
        }
        var errors = TopologyValidator.CheckTree(_byId, nodes);
        if (errors.Count > 0)
        {
            return new TopologyImportResult([.. errors], 0, 0, 0, store.State.Version);
        }

        int created = 0, updated = 0, unchanged = 0;
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<NodeDefinition>(store.State.Nodes);
        var byId = new Dictionary<string, NodeDefinition>(_byId, StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!byId.TryGetValue(node.Id, out var held))
            {
                merged.Add(node);
                created++;
            }
            else if (!NodeDefinitions.Same(held, node))
            {
                merged[merged.FindIndex(n => n.Id == node.Id)] = node;
                updated++;
                if (held.ParentId is { } oldParent && oldParent != node.ParentId)
                {
                    touched.Add(oldParent);
                }
            }
            else
            {
                unchanged++;
            }
            byId[node.Id] = node;
            touched.Add(node.Id);
            if (node.ParentId is { } parent)
            {
                touched.Add(parent);
            }
        }

        if (created + updated > 0)
        {
            // Durable first: the grain's view changes only once storage has the new tree.
            var (previousNodes, previousVersion) = (store.State.Nodes, store.State.Version);
            (store.State.Nodes, store.State.Version) = (merged, previousVersion + 1);
            try
            {
                await store.WriteStateAsync();
            }
            catch
            {
                (store.State.Nodes, store.State.Version) = (previousNodes, previousVersion);
                throw;
            }
            _byId = byId;
        }

        // Define every node the document names (and every parent whose child list may have changed), even the
        // unchanged ones: Define is idempotent, and this repairs a node whose earlier Define did not arrive.
        var childrenOf = store.State.Nodes.Where(n => n.ParentId is not null).GroupBy(n => n.ParentId!)
            .ToDictionary(g => g.Key, g => g.Select(n => n.Id).ToArray(), StringComparer.Ordinal);
        await Task.WhenAll(touched.Select(id =>
        {
            var node = ForNodeGrain(_byId[id]);
            return NodeGrains.Get(GrainFactory, node.Kind, id).Define(node, childrenOf.GetValueOrDefault(id) ?? []);
        }));

        return new TopologyImportResult([], created, updated, unchanged, store.State.Version);
    }

    public async Task<IndicatorImportResult> ImportIndicators(string nodeId, IndicatorFact[] facts, long? expectedVersion = null)
    {
        if (!_byId.TryGetValue(nodeId, out var node))
        {
            return new IndicatorImportResult(false, 0, 0, 0, store.State.Version);
        }
        if (expectedVersion is { } expected && expected != store.State.Version)
        {
            return new IndicatorImportResult(true, 0, 0, 0, store.State.Version, VersionChanged: true);
        }
        var held = store.State.Imported.GetValueOrDefault(nodeId) ?? [];
        var merged = new List<IndicatorFact>(held);
        int created = 0, updated = 0, unchanged = 0;
        foreach (var fact in facts)
        {
            var index = merged.FindIndex(f => f.Name == fact.Name && f.PeriodKey == fact.PeriodKey);
            if (index < 0)
            {
                merged.Add(fact);
                created++;
            }
            else if (merged[index] != fact)
            {
                merged[index] = fact;
                updated++;
            }
            else
            {
                unchanged++;
            }
        }
        if (created + updated > 0)
        {
            // Durable first, as for topology: the in-memory view changes only once storage has it.
            store.State.Imported[nodeId] = merged;
            store.State.Version++;
            try
            {
                await store.WriteStateAsync();
            }
            catch
            {
                store.State.Imported[nodeId] = held;
                store.State.Version--;
                throw;
            }
        }
        var children = store.State.Nodes.Where(n => n.ParentId == nodeId).Select(n => n.Id).ToArray();
        await NodeGrains.Get(GrainFactory, node.Kind, nodeId).Define(ForNodeGrain(node), children);
        return new IndicatorImportResult(true, created, updated, unchanged, store.State.Version);
    }

    public Task<TopologySnapshot> GetSnapshot() =>
        Task.FromResult(new TopologySnapshot(store.State.Version, [.. store.State.Nodes.Select(WithImported)]));

    /// <summary>The node with its imported figures over the document's own (same name and period: the import wins).</summary>
    /// <summary>
    /// What a node's grain is defined with: no boundary. The gateways answer geometry from this grain's snapshot, so
    /// a node's grain, its state in Redis and the summaries it streams stay as small as before boundaries.
    /// </summary>
    private NodeDefinition ForNodeGrain(NodeDefinition node) => WithImported(node) with { Boundary = null };

    private NodeDefinition WithImported(NodeDefinition node)
    {
        if (!store.State.Imported.TryGetValue(node.Id, out var imported) || imported.Count == 0)
        {
            return node;
        }
        var keys = imported.Select(f => (f.Name, f.PeriodKey)).ToHashSet();
        return node with { Indicators = [.. node.Indicators.Where(f => !keys.Contains((f.Name, f.PeriodKey))), .. imported] };
    }

    public Task<long> GetVersion() => Task.FromResult(store.State.Version);
}
