using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Grains.Observability;

namespace UrbanTwin.Gateway.Live;

/// <summary>The live views this gateway serves: one <see cref="NodeWatcher"/> per watched node, shared by its clients.</summary>
public sealed class LiveHub(IGrainFactory grains, NodeDirectory directory, IOptions<LiveOptions> options, ILogger<LiveHub> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, NodeWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _streamsPerKey = new(StringComparer.Ordinal);

    /// <summary>Clients streaming from this gateway now.</summary>
    public int Clients
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Values.Sum(w => w.Count);
            }
        }
    }

    /// <summary>
    /// A new client of <paramref name="node"/>'s stream, or null when <paramref name="keyName"/> already holds its
    /// maximum. Open mode's keyless caller is everyone at once: not <paramref name="limited"/>.
    /// </summary>
    public LiveSubscription? Subscribe(NodeDefinition node, string keyName, bool limited = true)
    {
        var client = new LiveSubscription(options.Value.MaxPendingAlarms);
        lock (_gate)
        {
            var held = _streamsPerKey.GetValueOrDefault(keyName);
            if (limited && held >= options.Value.MaxStreamsPerKey)
            {
                return null;
            }
            _streamsPerKey[keyName] = held + 1;
            if (!_watchers.TryGetValue(node.Id, out var watcher))
            {
                _watchers[node.Id] = watcher = new NodeWatcher(node, grains, directory, options.Value, logger);
            }
            watcher.Add(client);
        }
        UrbanTwinMeter.LiveClients.Add(1);
        client.OnDispose(() =>
        {
            UrbanTwinMeter.LiveClients.Add(-1);
            lock (_gate)
            {
                if (--_streamsPerKey[keyName] == 0)
                {
                    _streamsPerKey.Remove(keyName);
                }
                if (_watchers.TryGetValue(node.Id, out var watcher) && watcher.Remove(client))
                {
                    _watchers.Remove(node.Id);
                }
            }
        });
        return client;
    }
}
