using System.Net;
using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Events;
using UrbanTwin.Contracts.Webhooks;
using UrbanTwin.Domain.Webhooks;

namespace UrbanTwin.Grains.Tests.Webhooks;

public sealed class WebhookRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.0.10", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("203.0.113.10", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("2001:4860:4860::8888", false)]
    public void Private_loopback_and_link_local_addresses_are_not_webhook_targets(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, WebhookTargets.IsPrivate(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://example.com/hook", null)]
    [InlineData("http://203.0.113.10:8080/a?b=c", null)]
    [InlineData("", "is required")]
    [InlineData("example.com/hook", "absolute http or https")]
    [InlineData("ftp://example.com/", "absolute http or https")]
    [InlineData("https://u:p@example.com/", "credentials")]
    [InlineData("https://example.com/#x", "fragment")]
    public void A_target_URL_is_absolute_http_or_https_without_credentials(string url, string? error)
    {
        var found = WebhookTargets.CheckForm(url, out _);
        if (error is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(error, found);
        }
    }

    private static TwinEvent Alarm(string type, AlarmLevel level, AlarmLevel peak, string node = "taiyuan-xiaodian", string kind = "gas-pipeline") =>
        new("a:gasLel:1@1", type, DateTimeOffset.UnixEpoch, node, "a", kind,
            new AlarmRecord("a:gasLel:1", "a", node, "gasLel", level, 30, DateTimeOffset.UnixEpoch, AlarmState.Active, null, null, null, null, 1, peak));

    [Fact]
    public void A_filter_takes_families_kinds_nodes_and_a_minimum_level()
    {
        bool InTaiyuan(string district) => district.StartsWith("taiyuan-", StringComparison.Ordinal);
        var filter = new WebhookFilter(["alarm.*"], "taiyuan", ["gas-pipeline"], AlarmLevel.Alarm);

        Assert.True(WebhookFilters.Matches(filter, Alarm(TwinEventTypes.AlarmEscalated, AlarmLevel.Alarm, AlarmLevel.Alarm), InTaiyuan));
        Assert.False(WebhookFilters.Matches(filter, Alarm(TwinEventTypes.AlarmRaised, AlarmLevel.Warning, AlarmLevel.Warning), InTaiyuan));
        // A cleared alarm that had reached the level passes, so a receiver that saw it raised sees it cleared.
        Assert.True(WebhookFilters.Matches(filter, Alarm(TwinEventTypes.AlarmCleared, AlarmLevel.None, AlarmLevel.Alarm), InTaiyuan));
        Assert.False(WebhookFilters.Matches(filter, Alarm(TwinEventTypes.AlarmRaised, AlarmLevel.Alarm, AlarmLevel.Alarm, node: "datong-pingcheng"), InTaiyuan));
        Assert.False(WebhookFilters.Matches(filter, Alarm(TwinEventTypes.AlarmRaised, AlarmLevel.Alarm, AlarmLevel.Alarm, kind: "water-main"), InTaiyuan));
        var status = new TwinEvent("a/status@2", TwinEventTypes.AssetStatus, DateTimeOffset.UnixEpoch, "taiyuan-xiaodian", "a", "gas-pipeline",
            Status: AssetStatus.Normal, PreviousStatus: AssetStatus.Alarm);
        Assert.False(WebhookFilters.Matches(filter, status, InTaiyuan));
        Assert.True(WebhookFilters.Matches(filter with { Events = ["*"] }, status, InTaiyuan));
    }

    [Fact]
    public void A_node_status_event_passes_the_node_filter_at_or_below_it_and_the_level_but_kinds_do_not_apply()
    {
        bool InTaiyuan(string node) => node == "taiyuan" || node.StartsWith("taiyuan-", StringComparison.Ordinal);
        TwinEvent NodeStatus(string node, AssetStatus status, AssetStatus? previous) =>
            new($"{node}/status@3", TwinEventTypes.NodeStatus, DateTimeOffset.UnixEpoch, node, null, null, Status: status, PreviousStatus: previous);
        var filter = new WebhookFilter(["node.status"], "taiyuan", ["gas-pipeline"], AlarmLevel.Warning);

        Assert.True(WebhookFilters.Matches(filter, NodeStatus("taiyuan", AssetStatus.Alarm, AssetStatus.Normal), InTaiyuan));
        Assert.True(WebhookFilters.Matches(filter, NodeStatus("taiyuan-xiaodian", AssetStatus.Normal, AssetStatus.Warning), InTaiyuan));
        Assert.False(WebhookFilters.Matches(filter, NodeStatus("shanxi", AssetStatus.Alarm, AssetStatus.Normal), InTaiyuan));
        Assert.False(WebhookFilters.Matches(filter, NodeStatus("taiyuan", AssetStatus.Offline, AssetStatus.Normal), InTaiyuan));
        Assert.False(WebhookFilters.Matches(filter with { Events = ["alarm.*"] }, NodeStatus("taiyuan", AssetStatus.Alarm, null), InTaiyuan));
        Assert.Equal("taiyuan", NodeStatus("taiyuan", AssetStatus.Alarm, null).Subject);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, null)]
    [InlineData(5, 0, 0, 0, AssetStatus.Normal)]
    [InlineData(5, 0, 0, 2, AssetStatus.Normal)]
    [InlineData(0, 0, 0, 2, AssetStatus.Offline)]
    [InlineData(5, 1, 0, 2, AssetStatus.Warning)]
    [InlineData(5, 1, 1, 0, AssetStatus.Alarm)]
    public void A_node_is_as_bad_as_its_worst_asset_and_offline_only_when_all_are_silent(int normal, int warning, int alarm, int offline, AssetStatus? expected) =>
        Assert.Equal(expected, UrbanTwin.Domain.Rollup.SummaryBuilder.NodeStatus(
            new UrbanTwin.Contracts.Rollup.AssetCounts(normal, warning, alarm, offline, [])));

    [Theory]
    [InlineData("alarm.raised", true)]
    [InlineData("alarm.*", true)]
    [InlineData("asset.*", true)]
    [InlineData("*", true)]
    [InlineData("node.*", true)]
    [InlineData("node.status", true)]
    [InlineData("nodes.*", false)]
    [InlineData("alarm", false)]
    [InlineData("alarm.raised.*", false)]
    [InlineData("ALARM.RAISED", false)]
    public void Event_patterns_name_a_type_or_a_family_of_types(string pattern, bool known) => Assert.Equal(known, WebhookFilters.IsKnown(pattern));

    [Fact]
    public void Retries_follow_the_schedule_with_jitter_honour_Retry_After_and_end_after_the_last()
    {
        TimeSpan[] schedule = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];
        Assert.Equal(TimeSpan.FromSeconds(4), RetrySchedule.DelayBefore(1, schedule, null, 0));
        Assert.Equal(TimeSpan.FromSeconds(6), RetrySchedule.DelayBefore(1, schedule, null, 1));
        Assert.Equal(TimeSpan.FromSeconds(30), RetrySchedule.DelayBefore(2, schedule, null, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(90), RetrySchedule.DelayBefore(2, schedule, TimeSpan.FromSeconds(90), 0.5));
        Assert.Null(RetrySchedule.DelayBefore(3, schedule, null, 0.5));
    }
}
