using UrbanTwin.Gateway.Nodes;

namespace UrbanTwin.Gateway.Live;

/// <summary>
/// What one client has not been sent yet. Node changes are coalesced per node (latest wins), so their memory is
/// bounded by the number of nodes in view whatever the rate; alarm events queue up to a limit, past which the
/// client is marked dropped and its stream is closed. Memory per client therefore never grows without bound.
/// </summary>
public sealed class LiveSubscription(int maxPendingAlarms) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, NodeView> _nodes = new(StringComparer.Ordinal);
    private readonly List<string> _nodeOrder = [];
    private readonly Queue<AlarmEvent> _alarms = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private Action? _onDispose;
    private int _disposed;
    private Action? _onDropped;

    public bool Dropped { get; private set; }

    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _nodes.Count + _alarms.Count;
            }
        }
    }

    internal void OnDispose(Action action) => _onDispose = action;

    /// <summary>What to do when the client is dropped (close its connection, which may be stuck writing).</summary>
    public void OnDropped(Action action) => _onDropped = action;

    public void Publish(NodeView node)
    {
        lock (_gate)
        {
            if (Dropped)
            {
                return;
            }
            if (!_nodes.ContainsKey(node.Id))
            {
                _nodeOrder.Add(node.Id);
            }
            _nodes[node.Id] = node;
        }
        Wake();
    }

    public void Publish(AlarmEvent alarm)
    {
        var droppedNow = false;
        lock (_gate)
        {
            if (Dropped)
            {
                return;
            }
            if (_alarms.Count >= maxPendingAlarms)
            {
                // Too far behind: the stream is closed; the client reconnects and starts from a fresh snapshot.
                Dropped = droppedNow = true;
                _alarms.Clear();
                _nodes.Clear();
                _nodeOrder.Clear();
            }
            else
            {
                _alarms.Enqueue(alarm);
            }
        }
        if (droppedNow)
        {
            _onDropped?.Invoke();
        }
        Wake();
    }

    /// <summary>Waits until something is pending (or the timeout passes), then takes it all.</summary>
    public async Task<(NodeView[] Nodes, AlarmEvent[] Alarms)> TakeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(timeout, cancellationToken);
        lock (_gate)
        {
            var nodes = _nodeOrder.Select(id => _nodes[id]).ToArray();
            var alarms = _alarms.ToArray();
            _nodes.Clear();
            _nodeOrder.Clear();
            _alarms.Clear();
            return (nodes, alarms);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) // once, however often it is disposed
        {
            _onDispose?.Invoke();
            _signal.Dispose();
        }
    }

    private void Wake()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // already signalled, or the client is gone
        }
    }
}
