using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace UrbanTwin.Gateway.Tests.NgsiLd;

/// <summary>
/// Retrieve the temporal evolution of an entity, ETSI GS CIM 009 V1.8.1 clause 6.19.3.1: the normalized temporal
/// representation (4.5.8), temporalValues (4.5.9), aggregatedValues (4.5.19), timerel, lastN, and the errors. Here from
/// the assets' recent readings (no history store); HistoryStoreApiTests reads it from PostgreSQL.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TemporalTests(GatewayFixture gateway) : IAsyncLifetime
{
    private const string Id = "urn:ngsi-ld:GasPipeline:ngsit-1";
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-10);
    private static readonly double[] Values = [3, 9, 27, 12, 6];
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _written;
    private readonly HttpClient _http = gateway.CreateDefaultClient();

    private static string At(int i) => T0.AddSeconds(30 * i).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    public async Task InitializeAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (!_written)
            {
                var created = await _http.PostAsync("/ngsi-ld/v1/entities", new StringContent($$$"""
                    {"id":"{{{Id}}}","type":"GasPipeline","location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[112.71,37.69]}},
                     "gasLel":{"type":"Property","value":{{{Values[0]}}},"observedAt":"{{{At(0)}}}"}}
                    """, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                for (var i = 1; i < Values.Length; i++)
                {
                    var patched = await _http.PatchAsync($"/ngsi-ld/v1/entities/{Id}/attrs",
                        new StringContent($$$"""{"gasLel":{"type":"Property","value":{{{Values[i]}}},"observedAt":"{{{At(i)}}}"}}""", Encoding.UTF8, "application/json"));
                    Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
                }
                _written = true;
            }
        }
        finally
        {
            Once.Release();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonNode> Temporal(string query)
    {
        var response = await _http.GetAsync($"/ngsi-ld/v1/temporal/entities/{Id}?{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task Each_instance_is_a_Property_with_the_time_it_was_observed_at()
    {
        var entity = await Temporal("attrs=gasLel");
        Assert.Equal((Id, "GasPipeline"), ((string?)entity["id"], (string?)entity["type"]));
        var instances = entity["gasLel"]!.AsArray();
        Assert.Equal(Values, instances.Select(i => (double)i!["value"]!));
        Assert.Equal(Enumerable.Range(0, Values.Length).Select(At), instances.Select(i => (string)i!["observedAt"]!));
        Assert.All(instances, i => Assert.Equal(("Property", "P1"), ((string?)i!["type"], (string?)i["unitCode"])));
        Assert.Null(entity["pressure"]); // never reported: no instances
    }

    [Fact]
    public async Task TemporalValues_timerel_and_lastN_select_the_instances()
    {
        var values = (await Temporal("options=temporalValues"))["gasLel"]!;
        Assert.Equal("Property", (string?)values["type"]);
        Assert.Equal(Values.Select((v, i) => $"[{v},\"{At(i)}\"]"), values["values"]!.AsArray().Select(p => p!.ToJsonString()));
        Assert.Equal(Values[..2], (await Temporal($"timerel=before&timeAt={At(2)}"))["gasLel"]!.AsArray().Select(i => (double)i!["value"]!));
        Assert.Equal(Values[3..], (await Temporal($"timerel=after&timeAt={At(2)}"))["gasLel"]!.AsArray().Select(i => (double)i!["value"]!));
        Assert.Equal(Values[1..3], (await Temporal($"timerel=between&timeAt={At(1)}&endTimeAt={At(3)}"))["gasLel"]!.AsArray().Select(i => (double)i!["value"]!));
        Assert.Equal(Values[^2..], (await Temporal("lastN=2"))["gasLel"]!.AsArray().Select(i => (double)i!["value"]!));
    }

    [Fact]
    public async Task AggregatedValues_answer_each_method_over_the_whole_interval_or_each_period()
    {
        var whole = (await Temporal($"options=aggregatedValues&aggrMethods=avg,min,max,sum,totalCount&timerel=between&timeAt={At(0)}&endTimeAt={At(5)}"))["gasLel"]!;
        Assert.Equal($"[[{Values.Average()},\"{At(0)}\",\"{At(5)}\"]]", whole["avg"]!.ToJsonString());
        Assert.Equal((Values.Min(), Values.Max(), Values.Sum(), Values.Length),
            ((double)whole["min"]![0]![0]!, (double)whole["max"]![0]![0]!, (double)whole["sum"]![0]![0]!, (int)whole["totalCount"]![0]![0]!));
        var perMinute = (await Temporal("options=aggregatedValues&aggrMethods=totalCount&aggrPeriodDuration=PT1M"))["gasLel"]!["totalCount"]!.AsArray();
        Assert.Equal(Values.Length, perMinute.Sum(p => (int)p![0]!));
        Assert.InRange(perMinute.Count, 3, 4); // five readings 30 s apart fall in three or four minutes
    }

    [Theory]
    [InlineData("timerel=whenever&timeAt=2026-12-01T00:00:00Z", 400, "BadRequestData", "timerel")]
    [InlineData("timerel=between&timeAt=2026-12-01T00:00:00Z", 400, "BadRequestData", "endTimeAt")]
    [InlineData("timerel=before", 400, "BadRequestData", "timeAt")]
    [InlineData("timeAt=2026-12-01T00:00:00Z", 400, "BadRequestData", "timerel")]
    [InlineData("timerel=after&timeAt=yesterday", 400, "BadRequestData", "timeAt")]
    [InlineData("lastN=0", 400, "BadRequestData", "lastN")]
    [InlineData("aggrMethods=avg", 400, "BadRequestData", "aggrMethods")]
    [InlineData("options=aggregatedValues", 400, "BadRequestData", "aggrMethods")]
    [InlineData("options=aggregatedValues&aggrMethods=median", 400, "BadRequestData", "aggrMethods")]
    [InlineData("options=aggregatedValues&aggrMethods=stddev", 422, "OperationNotSupported", "stddev")]
    [InlineData("options=aggregatedValues&aggrMethods=avg&aggrPeriodDuration=hourly", 400, "BadRequestData", "aggrPeriodDuration")]
    [InlineData("options=temporalValues,aggregatedValues&aggrMethods=avg", 400, "BadRequestData", "options")]
    [InlineData("timeproperty=modifiedAt", 422, "OperationNotSupported", "timeproperty")]
    [InlineData("colour=red", 400, "BadRequestData", "colour")]
    public async Task A_malformed_temporal_query_is_refused_naming_the_parameter(string query, int status, string type, string mentions)
    {
        var response = await _http.GetAsync($"/ngsi-ld/v1/temporal/entities/{Id}?{query}");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(((HttpStatusCode)status, "https://uri.etsi.org/ngsi-ld/errors/" + type), (response.StatusCode, (string?)problem["type"]));
        Assert.Contains(mentions, (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_entity_is_ResourceNotFound_and_an_administrative_area_has_no_temporal_evolution_here()
    {
        var unknown = await _http.GetAsync("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:GasPipeline:ngsit-none");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var area = await _http.GetAsync("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AdministrativeArea:taiyuan");
        Assert.Equal((HttpStatusCode)422, area.StatusCode);
    }
}
