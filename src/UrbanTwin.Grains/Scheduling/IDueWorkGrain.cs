using Orleans.Concurrency;

namespace UrbanTwin.Grains.Scheduling;

/// <summary>A grain that the <see cref="DueWorkSweeper"/> can wake to do work that came due while no call arrived.</summary>
[Alias("ut.IDueWorkGrain")]
public interface IDueWorkGrain : IGrainWithStringKey
{
    /// <summary>Does whatever is due (a write-behind, a report). One-way: the sweeper waits for nobody.</summary>
    [Alias("RunDueWork"), OneWay]
    Task RunDueWork();
}

/// <summary>What the sweeper may ask of a grain from its own thread: only reads and its claim on the sweep.</summary>
public interface IHasDueWork
{
    GrainId GrainId { get; }

    /// <summary>When the grain's earliest pending work is due (a <see cref="TimeProvider"/> timestamp), or 0 for none.</summary>
    long DueAt { get; }

    /// <summary>
    /// The due time the grain is queued in the sweeper for, or 0 when it is not queued: a field of the grain that
    /// only <see cref="DueWorkSweeper"/> reads and writes (atomically), so a grain is queued once for its earliest work.
    /// </summary>
    ref long SweepSlot { get; }
}
