using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.History;
using UrbanTwin.EventLog.Readings;
using UrbanTwin.Grains.Scheduling;

namespace UrbanTwin.Grains.History;

/// <summary>
/// Keeps the eight history writers active, so a partition whose writer's silo died resumes on another: at start and
/// every <see cref="HistoryOptions.KeepAliveInterval"/> each silo wakes every writer (<see cref="GrainKeeper"/>). At
/// start too: nothing else activates them, and rows should reach the store a flush interval after they are logged.
/// </summary>
public sealed class HistoryKeeper(IGrainFactory grains, IOptions<HistoryOptions> options, TimeProvider clock, ILogger<HistoryKeeper> logger)
    : GrainKeeper(options.Value.KeepAliveInterval, clock, logger, "history writers", wakeAtStart: true)
{
    protected override async Task WakeAllAsync()
    {
        for (var partition = 0; partition < ReadingStreams.Partitions; partition++)
        {
            await grains.GetGrain<IHistoryWriterGrain>(partition).Wake();
        }
    }
}
