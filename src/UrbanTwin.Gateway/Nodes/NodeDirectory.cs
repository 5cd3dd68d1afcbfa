using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Geo;

namespace UrbanTwin.Gateway.Nodes;

/// <summary>
/// The gateway's cached copy of the node tree (a few hundred nodes), used to route a node id to its grain type
/// and to expand a node into the districts below it. It re-checks the topology grain's version at most every
/// <see cref="RefreshAfter"/>, so an import through another gateway is seen within that time. The check runs in the
/// background while requests go on with the tree they have: the topology grain is one grain, and no request should
/// wait on it while its silo dies and it moves. Only the first load, and the first read after an import through
/// this gateway, wait for it.
/// </summary>
public sealed class NodeDirectory(IGrainFactory grains, TimeProvider clock, ILogger<NodeDirectory> logger)
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Tree _tree = Tree.Empty;
    private volatile bool _current;
    private int _invalidations;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public async ValueTask<Tree> GetAsync(CancellationToken cancellationToken = default)
    {
        if (clock.GetUtcNow() - _checkedAt < RefreshAfter)
        {
            return _tree;
        }
        if (_current)
        {
            if (_refresh.Wait(0))
            {
                _ = Task.Run(RefreshInBackgroundAsync, CancellationToken.None);
            }
            return _tree;
        }
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (!_current || clock.GetUtcNow() - _checkedAt >= RefreshAfter)
            {
                await RefreshAsync();
            }
            return _tree;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>After an import through this gateway: the next read waits for the new tree.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _invalidations);
        _current = false;
        _checkedAt = DateTimeOffset.MinValue;
    }

    private async Task RefreshAsync()
    {
        // A background check that began before an import through this gateway must not mark its older answer current.
        var invalidations = Volatile.Read(ref _invalidations);
        var topology = grains.ByKey<ITopologyGrain>(ITopologyGrain.Key);
        if (await topology.GetVersion() != _tree.Version)
        {
            _tree = new Tree(await topology.GetSnapshot());
        }
        if (invalidations == Volatile.Read(ref _invalidations))
        {
            _checkedAt = clock.GetUtcNow();
            _current = true;
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await RefreshAsync();
        }
        catch (Exception ex)
        {
            // Requests keep the tree they have; the next request past RefreshAfter tries again.
            logger.LogDebug(ex, "Refreshing the node tree failed; serving the one from {CheckedAt:O}", _checkedAt);
        }
        finally
        {
            _refresh.Release();
        }
    }

    public sealed class Tree
    {
        public static readonly Tree Empty = new(new TopologySnapshot(0, []));

        private readonly Dictionary<string, NodeDefinition> _byId;
        private readonly Dictionary<string, List<NodeDefinition>> _children;
        private readonly Lazy<NodeAreas> _areas;

        public Tree(TopologySnapshot snapshot)
        {
            Version = snapshot.Version;
            Nodes = snapshot.Nodes;
            _byId = snapshot.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
            _children = snapshot.Nodes.Where(n => n.ParentId is not null).GroupBy(n => n.ParentId!)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            _areas = new Lazy<NodeAreas>(() => new NodeAreas(Nodes));
        }

        /// <summary>The nodes' boundaries, prepared for point and area tests on first use.</summary>
        public NodeAreas Areas => _areas.Value;

        public long Version { get; }
        public IReadOnlyList<NodeDefinition> Nodes { get; }

        public NodeDefinition? Find(string id) => _byId.GetValueOrDefault(id);

        public IReadOnlyList<NodeDefinition> ChildrenOf(string id) => _children.TryGetValue(id, out var c) ? c : [];

        /// <summary>The districts at or below a node, in id order (the order asset paging walks them in).</summary>
        public List<string> DistrictsUnder(NodeDefinition node)
        {
            var result = new List<string>();
            var stack = new Stack<NodeDefinition>([node]);
            while (stack.TryPop(out var current))
            {
                if (current.Kind == NodeKind.District)
                {
                    result.Add(current.Id);
                }
                foreach (var child in ChildrenOf(current.Id))
                {
                    stack.Push(child);
                }
            }
            result.Sort(StringComparer.Ordinal);
            return result;
        }

        /// <summary>The nodes of one kind at or below a node, in tree order.</summary>
        public IEnumerable<NodeDefinition> OfKindUnder(NodeDefinition node, NodeKind kind)
        {
            if (node.Kind == kind)
            {
                yield return node;
                yield break;
            }
            foreach (var child in ChildrenOf(node.Id))
            {
                foreach (var match in OfKindUnder(child, kind))
                {
                    yield return match;
                }
            }
        }

        /// <summary>The node's id and its ancestors' ids, from the node up to the root.</summary>
        public string[] PathUp(string nodeId)
        {
            var path = new List<string>(4);
            for (var current = Find(nodeId); current is not null; current = current.ParentId is { } p ? Find(p) : null)
            {
                path.Add(current.Id);
            }
            return [.. path];
        }

        public bool IsUnder(string nodeId, string ancestorId)
        {
            for (var current = Find(nodeId); current is not null; current = current.ParentId is { } p ? Find(p) : null)
            {
                if (current.Id == ancestorId)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
