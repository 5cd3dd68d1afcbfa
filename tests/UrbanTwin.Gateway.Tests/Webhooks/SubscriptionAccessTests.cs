using System.Net;
using System.Text;
using static UrbanTwin.Gateway.Tests.GatewayFixture;

namespace UrbanTwin.Gateway.Tests.Webhooks;

/// <summary>Who may manage subscriptions: the operator and admin roles; a scoped key only inside its scope.</summary>
[Collection(KeysGatewayCollection.Name)]
public sealed class SubscriptionAccessTests(KeysGatewayFixture gateway)
{
    private const string Subscriptions = "/api/v1/subscriptions";

    private static StringContent Body(string? node) => new(
        "{\"url\":\"https://203.0.113.10/hook\",\"events\":[\"alarm.raised\"]" + (node is null ? "" : $",\"node\":\"{node}\"") + "}", Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("reader")]
    [InlineData("ty-writer")]
    public async Task Readers_and_writers_may_not_see_or_make_subscriptions(string key)
    {
        var http = gateway.ClientFor(key);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(Subscriptions)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync(Subscriptions, Body("taiyuan"))).StatusCode);
    }

    [Fact]
    public async Task A_scoped_operator_makes_and_sees_subscriptions_inside_its_scope_only()
    {
        var operatorHttp = gateway.ClientFor("ty-operator");
        var admin = gateway.ClientFor("admin");

        var noNode = await operatorHttp.PostAsync(Subscriptions, Body(null));
        Assert.Equal(HttpStatusCode.BadRequest, noNode.StatusCode);
        Assert.NotNull((await ReadJson(noNode))["errors"]!["node"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorHttp.PostAsync(Subscriptions, Body("datong"))).StatusCode);

        var inside = await operatorHttp.PostAsync(Subscriptions, Body("taiyuan-xiaodian"));
        Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
        var mine = (string)(await ReadJson(inside))["subscription"]!["id"]!;
        var everywhere = await admin.PostAsync(Subscriptions, Body(null));
        Assert.Equal(HttpStatusCode.Created, everywhere.StatusCode);
        var theirs = (string)(await ReadJson(everywhere))["subscription"]!["id"]!;
        try
        {
            var seen = (await ReadJson(await operatorHttp.GetAsync(Subscriptions)))["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList();
            Assert.Contains(mine, seen);
            Assert.DoesNotContain(theirs, seen);
            Assert.Equal(HttpStatusCode.Forbidden, (await operatorHttp.GetAsync($"{Subscriptions}/{theirs}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await operatorHttp.DeleteAsync($"{Subscriptions}/{theirs}")).StatusCode);
            var moveOut = await operatorHttp.PatchAsync($"{Subscriptions}/{mine}", new StringContent("""{"node":"datong"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Forbidden, moveOut.StatusCode);
            Assert.Contains(theirs, (await ReadJson(await admin.GetAsync(Subscriptions)))["items"]!.AsArray().Select(i => (string)i!["id"]!));
        }
        finally
        {
            await admin.DeleteAsync($"{Subscriptions}/{mine}");
            await admin.DeleteAsync($"{Subscriptions}/{theirs}");
        }
    }
}
