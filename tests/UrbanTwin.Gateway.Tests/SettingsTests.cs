using Microsoft.AspNetCore.Hosting;

namespace UrbanTwin.Gateway.Tests;

/// <summary>A bad setting stops start-up with an error naming its key, instead of a gateway that misbehaves later.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("Ingest:MaxItemsPerBatch", "0")]
    [InlineData("Ingest:DeliveryTimeout", "00:00:00")]
    [InlineData("Reads:Budget", "00:00:00")]
    [InlineData("Reads:ColdBudget", "00:00:00.100")] // shorter than the read budget
    [InlineData("Live:Heartbeat", "-00:00:01")]
    [InlineData("RateLimit:Burst", "0")]
    [InlineData("Simulation:ReadingsPerSecond", "0")]
    [InlineData("Rollup:UrgentDelay", "00:00:01")] // longer than the publish interval: checked by the co-hosted silo
    [InlineData("Storage:GroupCommitMaxBatch", "0")]
    [InlineData("Storage:CacheFlushInterval", "00:00:00")]
    [InlineData("Geo:OutsideDistrict", "Ignore")]
    [InlineData("History:ReadingsPerMetric", "0")]
    public async Task A_bad_setting_stops_start_up_naming_its_key(string key, string value)
    {
        await using var gateway = new GatewayFixture().WithWebHostBuilder(builder => builder.UseSetting(key, value));
        var refused = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());
        Assert.Contains(key, refused.ToString(), StringComparison.Ordinal);
    }
}
