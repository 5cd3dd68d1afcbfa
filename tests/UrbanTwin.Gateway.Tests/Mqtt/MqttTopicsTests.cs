using UrbanTwin.Gateway.Mqtt;

namespace UrbanTwin.Gateway.Tests.Mqtt;

public sealed class MqttTopicsTests
{
    private readonly MqttTopics _topics = new("urbantwin/v1");

    [Theory]
    [InlineData("urbantwin/v1/telemetry", true, null)]
    [InlineData("urbantwin/v1/telemetry/dau-7", true, null)]
    [InlineData("urbantwin/v1/telemetry/dau-7/x", false, null)]
    [InlineData("urbantwin/v1/telemetry/", false, null)]
    [InlineData("urbantwin/v1/assets/taiyuan-xiaodian-gas-001/telemetry", true, "taiyuan-xiaodian-gas-001")]
    [InlineData("urbantwin/v1/assets//telemetry", false, null)]
    [InlineData("urbantwin/v1/assets/a/b/telemetry", false, null)]
    [InlineData("urbantwin/v1/assets/a/commands", false, null)]
    [InlineData("urbantwin/v1/rejected", false, null)]
    [InlineData("urbantwin/v2/telemetry", false, null)]
    [InlineData("other/urbantwin/v1/telemetry", false, null)]
    public void A_topic_is_the_batch_topic_a_sources_batch_topic_an_assets_topic_or_none(string topic, bool telemetry, string? asset)
    {
        Assert.Equal(telemetry, _topics.TryRoute(topic, out var routed));
        Assert.Equal(asset, routed);
    }

    [Fact]
    public void Gateways_subscribe_to_both_forms_shared_only_when_a_group_is_given()
    {
        Assert.Equal(["urbantwin/v1/telemetry/#", "urbantwin/v1/assets/+/telemetry"], _topics.Filters(null));
        Assert.Equal(["$share/g/urbantwin/v1/telemetry/#", "$share/g/urbantwin/v1/assets/+/telemetry"], _topics.Filters("g"));
    }

    [Theory]
    [InlineData("urbantwin/v1", true)]
    [InlineData("city", true)]
    [InlineData("a/+/b", false)]
    [InlineData("a/#", false)]
    [InlineData("/a", false)]
    [InlineData("$SYS/a", false)]
    [InlineData("", false)]
    public void A_prefix_is_plain_topic_levels(string prefix, bool valid) => Assert.Equal(valid, MqttTopics.IsValidPrefix(prefix));
}
