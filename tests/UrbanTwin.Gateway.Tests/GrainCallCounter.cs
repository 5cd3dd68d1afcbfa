using System.Collections.Concurrent;

namespace UrbanTwin.Gateway.Tests;

/// <summary>Every grain call the gateway's co-hosted silo takes in, by target: what a view costs the cluster.</summary>
public sealed class GrainCallCounter : IIncomingGrainCallFilter
{
    private long _sequence;
    private readonly ConcurrentQueue<(long Sequence, string Target, string Method)> _calls = new();

    public record struct Call(long Sequence, string Method);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        // A grain's own timer ticks are turns, not calls anyone made: they are not counted.
        if (context.TargetId.Type.ToString() is not "asset" && context.InterfaceName is not "IGrainTimerInvoker")
        {
            _calls.Enqueue((Interlocked.Increment(ref _sequence), context.TargetId.Key.ToString()!, $"{context.InterfaceName}.{context.MethodName}"));
            while (_calls.Count > 100_000 && _calls.TryDequeue(out _))
            {
            }
        }
        return context.Invoke();
    }

    /// <summary>The calls so far to the node grain with this key.</summary>
    public HashSet<Call> To(string key) => [.. _calls.Where(c => c.Target == key).Select(c => new Call(c.Sequence, c.Method))];
}
