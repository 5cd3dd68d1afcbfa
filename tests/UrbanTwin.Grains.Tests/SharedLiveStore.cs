using Microsoft.Extensions.DependencyInjection;
using UrbanTwin.EventLog;
using UrbanTwin.Grains.Storage;

namespace UrbanTwin.Grains.Tests;

/// <summary>
/// One <see cref="InProcessLiveStore"/> and event log for every silo of an in-process test cluster, as Redis is one
/// for every silo of a real cluster: an asset that moves between silos finds its state, and the test reads the log.
/// </summary>
public sealed class SharedLiveStore
{
    private readonly Lock _gate = new();
    private InProcessLiveStore? _store;

    public InProcessEventLog Events { get; } = new(TimeProvider.System);

    public void AddTo(ISiloBuilder silo) => silo.Services.AddSingleton<LiveStore>(services =>
    {
        lock (_gate)
        {
            return _store ??= ActivatorUtilities.CreateInstance<InProcessLiveStore>(services, Events);
        }
    });
}
