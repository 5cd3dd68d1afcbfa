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

    /// <summary>Takes the grain's one place in the sweeper's queue; false when it already has it.</summary>
    bool TryClaimSweep();

    /// <summary>Gives that place back (the sweeper is done with this entry).</summary>
    void ReleaseSweep();
}
