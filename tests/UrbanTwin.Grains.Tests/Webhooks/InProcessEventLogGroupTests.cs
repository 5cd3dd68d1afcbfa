using UrbanTwin.Contracts.Events;
using UrbanTwin.EventLog;

namespace UrbanTwin.Grains.Tests.Webhooks;

/// <summary>The embedded log's consumer groups behave as the Redis ones the webhooks rely on.</summary>
public sealed class InProcessEventLogGroupTests
{
    private static TwinEvent Event(int n) => new($"a/status@{n}", TwinEventTypes.AssetStatus, DateTimeOffset.UnixEpoch, "d", "a", "gas-pipeline");

    [Fact]
    public async Task A_group_gets_what_was_logged_after_it_was_made_keeps_it_pending_until_acknowledged_and_hands_it_out_again()
    {
        var log = new InProcessEventLog(TimeProvider.System);
        log.Append([Event(1)]);
        await log.CreateGroupAsync("g");
        log.Append([Event(2), Event(3), Event(4)]);

        var first = await log.ReadGroupAsync("g", again: false, max: 2);
        Assert.Equal(["a/status@2", "a/status@3"], first.Select(e => e.Event.Id));
        Assert.Equal(["a/status@4"], (await log.ReadGroupAsync("g", again: false, max: 10)).Select(e => e.Event.Id));
        Assert.Empty(await log.ReadGroupAsync("g", again: false, max: 10));

        await log.AckAsync("g", [first[0]]);
        // A reader that lost what it took (a crash) takes up what is not acknowledged, in order.
        Assert.Equal(["a/status@3", "a/status@4"], (await log.ReadGroupAsync("g", again: true, max: 10)).Select(e => e.Event.Id));
        var progress = await log.ProgressAsync("g");
        Assert.Equal((2L, 0L), (progress.Pending, progress.Unread));

        log.Append([Event(5)]);
        Assert.Equal(1, (await log.ProgressAsync("g")).Unread);
        await log.DeleteGroupAsync("g");
        Assert.Equal(0, (await log.ProgressAsync("g")).Pending); // made again, at the end
    }
}
