using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace UrbanTwin.Grains.Storage;

/// <summary>
/// Embedded mode's grain storage: state held in this process, lost with it, as embedded mode promises. Unlike
/// Orleans' MemoryGrainStorage it is not a grain itself, so a write costs a copy instead of a grain call, and it
/// keeps answering while the silo deactivates every grain at shutdown (the memory-storage grains would already be
/// gone, and each flush would fail). ETags are checked as Redis does, so a stale copy of a grain is refused alike.
/// </summary>
public sealed class InProcessGrainStorage(DeepCopier copier) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string StateName, GrainId Grain), Entry> _entries = new();
    private long _lastETag;

    private sealed record Entry(object State, string ETag);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_entries.TryGetValue((stateName, grainId), out var entry))
        {
            grainState.State = copier.Copy((T)entry.State);
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var written = new Entry(copier.Copy(grainState.State)!, Interlocked.Increment(ref _lastETag).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var replaced = _entries.TryGetValue(key, out var held)
            ? held.ETag == grainState.ETag && _entries.TryUpdate(key, written, held)
            : grainState.ETag is null && _entries.TryAdd(key, written);
        if (!replaced)
        {
            throw new InconsistentStateException($"{grainId} ({stateName}) was written by another activation", held?.ETag, grainState.ETag);
        }
        grainState.ETag = written.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        if (_entries.TryGetValue(key, out var held))
        {
            if (held.ETag != grainState.ETag || !_entries.TryRemove(new KeyValuePair<(string, GrainId), Entry>(key, held)))
            {
                throw new InconsistentStateException($"{grainId} ({stateName}) was written by another activation", held.ETag, grainState.ETag);
            }
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
