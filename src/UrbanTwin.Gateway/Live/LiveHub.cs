using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.EventLog;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Observability;

namespace UrbanTwin.Gateway.Live;

/// <summary>The live views this gateway serves: one <see cref="NodeFeed"/> per watched node, shared by its clients.</summary>
public sealed class LiveHub(IGrainFactory grains, NodeDirectory directory, IEventLog log, IOptions<LiveOptions> options, TimeProvider clock,
    GatewayMetrics metrics, ILogger<LiveHub> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, NodeFeed> _feeds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _streamsPerKey = new(StringComparer.Ordinal);

    /// <summary>Clients streaming from this gateway now.</summary>
    public int Clients
    {
        get
        {
            lock (_gate)
            {
                return _feeds.Values.Sum(w => w.Count);
            }
        }
    }

    /// <summary>
    /// A new client of <paramref name="node"/>'s stream and the node's shared feed, or null when
    /// <paramref name="keyName"/> already holds its maximum. Open mode's keyless caller is everyone at once: not
    /// <paramref name="limited"/>.
    /// </summary>
    internal (LiveSubscription Client, NodeFeed Feed)? Subscribe(NodeDefinition node, string keyName, bool limited = true)
    {
        var client = new LiveSubscription(options.Value.MaxPendingAlarms);
        NodeFeed? feed;
        lock (_gate)
        {
            var held = _streamsPerKey.GetValueOrDefault(keyName);
            if (limited && held >= options.Value.MaxStreamsPerKey)
            {
                return null;
            }
            _streamsPerKey[keyName] = held + 1;
            if (!_feeds.TryGetValue(node.Id, out feed))
            {
                _feeds[node.Id] = feed = new NodeFeed(node, grains, directory, log, options.Value, clock, logger);
            }
            feed.Add(client);
        }
        metrics.LiveClients.Add(1);
        client.OnDispose(() =>
        {
            metrics.LiveClients.Add(-1);
            lock (_gate)
            {
                if (--_streamsPerKey[keyName] == 0)
                {
                    _streamsPerKey.Remove(keyName);
                }
                if (_feeds.TryGetValue(node.Id, out var held) && held.Remove(client))
                {
                    _feeds.Remove(node.Id);
                    held.Dispose();
                }
            }
        });
        return (client, feed);
    }
}
