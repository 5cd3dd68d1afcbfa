using System.Text;
using static UrbanTwin.Gateway.Tests.HostileInput.HostileRequest;

namespace UrbanTwin.Gateway.Tests.HostileInput;

/// <summary>The named bad inputs of every write endpoint (and the query strings of the reads), each one that must change nothing.</summary>
public static class HostileCatalog
{
    private const string Telemetry = "/api/v1/telemetry";
    private const string Assets = "/api/v1/assets";
    private const string Topology = "/api/v1/topology";
    private const string Indicators = "/api/v1/nodes/taiyuan/indicators";

    /// <summary>Ids no asset or node can have: traversal, look-alikes, control characters, encodings, length.</summary>
    public static readonly string[] HostileIds =
    [
        "../../etc/passwd", "..", "a/b", "a\\\\b", "%2e%2e%2fetc", "taiyuan-xiaodian-g\u0430s-001" /* Cyrillic a */, "\uff54\uff41\uff49\uff59\uff55\uff41\uff4e" /* fullwidth */,
        "TAIYUAN", "taiyuan\\u0000", "taiyuan\\n", "", " ", "-leading-dash", new string('a', 200), "taiyuan xiaodian", "<script>", "'; DROP TABLE--",
    ];

    public static IEnumerable<HostileRequest> All(HostileInputFixture f) =>
        TelemetryCases(f).Concat(AssetCases()).Concat(TopologyCases()).Concat(IndicatorCases()).Concat(AckCases(f)).Concat(SubscriptionCases()).Concat(QueryCases());

    /// <summary>Webhook subscriptions that must not be made (the gateway allows no private targets) or changed.</summary>
    private static IEnumerable<HostileRequest> SubscriptionCases()
    {
        const string Subscriptions = "/api/v1/subscriptions";
        yield return Post("subscription: malformed JSON", Subscriptions, """{"url":""");
        yield return Post("subscription: an array", Subscriptions, """[{"url":"https://203.0.113.10/x","events":["alarm.raised"]}]""");
        yield return Post("subscription: cloud metadata target", Subscriptions, """{"url":"http://169.254.169.254/latest/meta-data/","events":["alarm.*"]}""");
        yield return Post("subscription: loopback target", Subscriptions, """{"url":"http://127.0.0.1:6379/","events":["alarm.*"]}""");
        yield return Post("subscription: a javascript: URL", Subscriptions, """{"url":"javascript:alert(1)","events":["alarm.*"]}""");
        yield return Post("subscription: a file: URL", Subscriptions, """{"url":"file:///etc/passwd","events":["alarm.*"]}""");
        yield return Post("subscription: a 3000-character URL", Subscriptions, "{\"url\":\"https://203.0.113.10/" + new string('a', 3000) + "\",\"events\":[\"alarm.*\"]}");
        yield return Post("subscription: 21 event types", Subscriptions, "{\"url\":\"https://203.0.113.10/x\",\"events\":[" + string.Join(',', Enumerable.Repeat("\"alarm.*\"", 21)) + "]}");
        yield return Post("subscription: an event type of null", Subscriptions, """{"url":"https://203.0.113.10/x","events":[null]}""");
        yield return Post("subscription: a hostile node id", Subscriptions, """{"url":"https://203.0.113.10/x","events":["alarm.*"],"node":"../../etc/passwd"}""");
        yield return Post("subscription: an unknown field", Subscriptions, """{"url":"https://203.0.113.10/x","events":["alarm.*"],"secret":"whsec_mine"}""");
        yield return new HostileRequest("subscription: PATCH of an unknown one", HttpMethod.Patch, Subscriptions + "/sub_00000000000000000000", Encoding.UTF8.GetBytes("""{"state":"paused"}"""));
        yield return Post("subscription: replay of a hostile id", Subscriptions + "/..%2F..%2Fetc/dead-letters/replay", "");
    }

    private static string Item(string assetId, string ts, string metrics, string? seq = null) =>
        "{\"assetId\":\"" + assetId + "\",\"ts\":\"" + ts + "\"," + (seq is null ? "" : $"\"seq\":{seq},") + "\"metrics\":" + metrics + "}";

    private static IEnumerable<HostileRequest> TelemetryCases(HostileInputFixture f)
    {
        var now = DateTimeOffset.UtcNow.ToString("O");
        var good = Item(HostileInputFixture.Asset, now, """{"gasLel":13}""");
        yield return Post("telemetry: malformed JSON", Telemetry, """[{"assetId":""");
        yield return Post("telemetry: truncated", Telemetry, "[" + good[..(good.Length / 2)]);
        yield return Post("telemetry: not JSON", Telemetry, "hello");
        yield return Post("telemetry: empty body", Telemetry, "");
        yield return Post("telemetry: only whitespace", Telemetry, " \r\n\t ");
        yield return Post("telemetry: empty batch", Telemetry, "[]");
        yield return Post("telemetry: null", Telemetry, "null");
        yield return Post("telemetry: a number", Telemetry, "42");
        yield return Post("telemetry: an object of nothing known", Telemetry, """{"foo":1}""");
        yield return Post("telemetry: assetId a number", Telemetry, $$$"""[{"assetId":42,"ts":"{{{now}}}","metrics":{"gasLel":13}}]""");
        yield return Post("telemetry: ts a number", Telemetry, $$$"""[{"assetId":"{{{HostileInputFixture.Asset}}}","ts":1763884800,"metrics":{"gasLel":13}}]""");
        yield return Post("telemetry: metrics an array", Telemetry, "[" + Item(HostileInputFixture.Asset, now, "[13]") + "]");
        yield return Post("telemetry: value a string", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":"13"}""") + "]");
        yield return Post("telemetry: NaN as a string", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":"NaN"}""") + "]");
        yield return Post("telemetry: Infinity as a string", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":"Infinity"}""") + "]");
        yield return Post("telemetry: NaN as a number", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":NaN}""") + "]");
        yield return Post("telemetry: -Infinity as a number", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":-Infinity}""") + "]");
        yield return Post("telemetry: a number too large for a double", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":1e400}""") + "]");
        yield return Post("telemetry: a number of 5000 digits", Telemetry, "[" + Item(HostileInputFixture.Asset, now, $$$"""{"gasLel":{{{new string('9', 5000)}}}}""") + "]");
        yield return Post("telemetry: a huge seq", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":13}""", "99999999999999999999999") + "]");
        yield return Post("telemetry: a fractional seq", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":13}""", "101.5") + "]");
        yield return Post("telemetry: nesting 10,000 deep", Telemetry, new string('[', 10_000) + new string(']', 10_000));
        yield return Post("telemetry: a metric nested 50 deep", Telemetry,
            "[" + Item(HostileInputFixture.Asset, now, "{\"gasLel\":" + string.Concat(Enumerable.Repeat("{\"a\":", 50)) + "1" + new string('}', 50) + "}") + "]");
        yield return Post("telemetry: a 100,000-character asset id", Telemetry, "[" + Item(new string('a', 100_000), now, """{"gasLel":13}""") + "]");
        yield return new HostileRequest("telemetry: invalid UTF-8 in an id", HttpMethod.Post, Telemetry,
            [.. Encoding.UTF8.GetBytes("[{\"assetId\":\"taiyuan-"), 0xff, 0xfe, .. Encoding.UTF8.GetBytes("\",\"ts\":\"" + now + "\",\"metrics\":{\"gasLel\":13}}]")]);
        yield return new HostileRequest("telemetry: a UTF-16 body", HttpMethod.Post, Telemetry, Encoding.Unicode.GetBytes("[" + good + "]"));
        yield return Post("telemetry: a duplicate assetId key", Telemetry, $$$"""[{"assetId":"no-such-asset","assetId":"{{{HostileInputFixture.Asset}}}","ts":"{{{now}}}","metrics":{"gasLel":13}}]""");
        yield return Post("telemetry: a duplicate metric", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":13,"gasLel":14}""") + "]");
        yield return Post("telemetry: one item over the batch limit", Telemetry,
            "[" + string.Join(",", Enumerable.Repeat(good, GatewayFixture.MaxItemsPerBatch + 1)) + "]");
        yield return Post("telemetry: a body over the size limit", Telemetry, "[" + good + "," + new string(' ', 1024 * 1024) + good + "]");
        yield return Post("telemetry: an unknown asset", Telemetry, "[" + Item("no-such-asset", now, """{"gasLel":13}""") + "]");
        foreach (var id in HostileIds)
        {
            yield return Post($"telemetry: hostile asset id '{id[..Math.Min(id.Length, 20)]}'", Telemetry, "[" + Item(id, now, """{"gasLel":13}""") + "]");
        }
        yield return Post("telemetry: older than the latest reading", Telemetry,
            "[" + Item(HostileInputFixture.Asset, f.LatestTs.AddMinutes(-1).ToString("O"), """{"gasLel":13}""") + "]");
        yield return Post("telemetry: a duplicate seq with another value", Telemetry,
            "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":14}""", HostileInputFixture.LatestSeq.ToString()) + "]");
        yield return Post("telemetry: a lower seq", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":14}""", "99") + "]");
        yield return Post("telemetry: a day in the future", Telemetry, "[" + Item(HostileInputFixture.Asset, DateTimeOffset.UtcNow.AddDays(1).ToString("O"), """{"gasLel":13}""") + "]");
        yield return Post("telemetry: a time without an offset", Telemetry, "[" + Item(HostileInputFixture.Asset, "2026-11-23T08:00:00", """{"gasLel":13}""") + "]");
        yield return Post("telemetry: year 0001", Telemetry, "[" + Item(HostileInputFixture.Asset, "0001-01-01T00:00:00Z", """{"gasLel":13}""") + "]");
        yield return Post("telemetry: negative LEL", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":-5}""") + "]");
        yield return Post("telemetry: LEL over 100 %", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"gasLel":150}""") + "]");
        yield return Post("telemetry: O2 over 100 %", Telemetry, "[" + Item(HostileInputFixture.Tunnel, now, """{"o2":120}""") + "]");
        yield return Post("telemetry: an unknown metric", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"radiation":1}""") + "]");
        yield return Post("telemetry: another kind's metric", Telemetry, "[" + Item(HostileInputFixture.Asset, now, """{"o2":20}""") + "]");
        yield return Post("telemetry: no metrics", Telemetry, "[" + Item(HostileInputFixture.Asset, now, "{}") + "]");
        yield return Post("telemetry: NDJSON, one broken line", Telemetry, """{"assetId":""", "application/x-ndjson");
        yield return Post("telemetry: NDJSON, a line over the length limit", Telemetry,
            Item(HostileInputFixture.Asset, now, $$$"""{"gasLel":13,"pressure":0.{{{new string('1', 5000)}}}}"""), "application/x-ndjson");
        yield return Post("telemetry: NDJSON of blank lines", Telemetry, "\n\n\r\n", "application/x-ndjson");
        yield return Post("telemetry: an unknown ack", Telemetry + "?ack=maybe", "[" + good + "]");
    }

    private static string Asset(string id = "hostile-new-1", string kind = "gas-pipeline", string node = "taiyuan-xiaodian", string extra = "") =>
        $$$"""{"id":"{{{id}}}","kind":"{{{kind}}}","nodeId":"{{{node}}}","name":"Hostile","location":{"lng":112.5,"lat":37.8}{{{extra}}}}""";

    private static IEnumerable<HostileRequest> AssetCases()
    {
        yield return Post("assets: malformed JSON", Assets, "[{\"id\":");
        yield return Post("assets: truncated", Assets, "[" + Asset()[..40]);
        yield return Post("assets: an object, not an array", Assets, Asset());
        yield return Post("assets: an empty array", Assets, "[]");
        yield return Post("assets: null items", Assets, "[null,null]");
        yield return Post("assets: longitude a string", Assets, """[{"id":"hostile-new-1","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"x","location":{"lng":"east","lat":37.8}}]""");
        yield return Post("assets: latitude NaN", Assets, """[{"id":"hostile-new-1","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"x","location":{"lng":112.5,"lat":NaN}}]""");
        yield return Post("assets: longitude out of range", Assets, """[{"id":"hostile-new-1","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"x","location":{"lng":212.5,"lat":37.8}}]""");
        yield return Post("assets: latitude out of range", Assets, """[{"id":"hostile-new-1","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"x","location":{"lng":112.5,"lat":-91}}]""");
        yield return Post("assets: a misspelt property", Assets, "[" + Asset(extra: ",\"treshholds\":{}") + "]");
        yield return Post("assets: a duplicate key", Assets, "[" + Asset(extra: ",\"id\":\"hostile-new-2\"") + "]");
        yield return Post("assets: an unknown kind", Assets, "[" + Asset(kind: "volcano") + "]");
        yield return Post("assets: an unknown district", Assets, "[" + Asset(node: "atlantis") + "]");
        yield return Post("assets: a city, not a district", Assets, "[" + Asset(node: "taiyuan") + "]");
        yield return Post("assets: a bridge without thresholds", Assets, "[" + Asset(kind: "bridge") + "]");
        yield return Post("assets: warning above alarm", Assets, "[" + Asset(extra:
            ",\"thresholds\":{\"gasLel\":[{\"level\":\"warning\",\"op\":\"gte\",\"value\":60},{\"level\":\"alarm\",\"op\":\"gte\",\"value\":50}]}") + "]");
        yield return Post("assets: a threshold outside the metric's range", Assets, "[" + Asset(extra:
            ",\"thresholds\":{\"gasLel\":[{\"level\":\"alarm\",\"op\":\"gte\",\"value\":150}]}") + "]");
        yield return Post("assets: a 10,000-character name", Assets, $$$"""[{"id":"hostile-new-1","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"{{{new string('n', 10_000)}}}","location":{"lng":112.5,"lat":37.8}}]""");
        yield return Post("assets: a control character in the name", Assets, """[{"id":"hostile-new-1","kind":"gas-pipeline","nodeId":"taiyuan-xiaodian","name":"a\u0007b","location":{"lng":112.5,"lat":37.8}}]""");
        yield return Post("assets: an interval of a year", Assets, "[" + Asset(extra: ",\"reportingIntervalSeconds\":31536000") + "]");
        yield return Post("assets: the same id twice, the second bad", Assets, "[" + Asset(kind: "volcano") + "," + Asset(node: "atlantis") + "]");
        yield return Post("assets: one item over the batch limit", Assets, "[" + string.Join(",", Enumerable.Repeat("null", GatewayFixture.MaxItemsPerBatch + 1)) + "]");
        foreach (var id in HostileIds)
        {
            yield return Post($"assets: hostile id '{id[..Math.Min(id.Length, 20)]}'", Assets, "[" + Asset(id: id) + "]");
        }
    }

    private static IEnumerable<HostileRequest> TopologyCases()
    {
        yield return Put("topology: malformed JSON", Topology, "{\"nodes\":[");
        yield return Put("topology: an array", Topology, "[]");
        yield return Put("topology: null", Topology, "null");
        yield return Put("topology: no nodes", Topology, """{"nodes":[]}""");
        yield return Put("topology: a cycle", Topology, """{"nodes":[{"id":"loop-a","kind":"city","parentId":"loop-b","name":"A"},{"id":"loop-b","kind":"city","parentId":"loop-a","name":"B"}]}""");
        yield return Put("topology: its own parent", Topology, """{"nodes":[{"id":"self-parent","kind":"city","parentId":"self-parent","name":"S"}]}""");
        yield return Put("topology: the province under a city", Topology, """{"nodes":[{"id":"shanxi","kind":"province","parentId":"taiyuan","name":"Shanxi"}]}""");
        yield return Put("topology: a dangling parent", Topology, """{"nodes":[{"id":"orphan-district","kind":"district","parentId":"atlantis","name":"Orphan"}]}""");
        yield return Put("topology: a district under the province", Topology, """{"nodes":[{"id":"skip-district","kind":"district","parentId":"shanxi","name":"Skip"}]}""");
        yield return Put("topology: a duplicate id", Topology, """{"nodes":[{"id":"twin-d","kind":"district","parentId":"taiyuan","name":"A"},{"id":"twin-d","kind":"district","parentId":"taiyuan","name":"B"}]}""");
        yield return Put("topology: an unknown kind", Topology, """{"nodes":[{"id":"odd-node","kind":"galaxy","parentId":"taiyuan","name":"Odd"}]}""");
        yield return Put("topology: a misspelt property", Topology, """{"nodes":[{"id":"typo-d","kind":"district","parent":"taiyuan","name":"Typo"}]}""");
        yield return Put("topology: population negative", Topology, """{"nodes":[{"id":"neg-d","kind":"district","parentId":"taiyuan","name":"Neg","population":-5}]}""");
        yield return Put("topology: population as a string", Topology, """{"nodes":[{"id":"str-d","kind":"district","parentId":"taiyuan","name":"Str","population":"many"}]}""");
        foreach (var id in HostileIds)
        {
            yield return Put($"topology: hostile id '{id[..Math.Min(id.Length, 20)]}'", Topology,
                $$$"""{"nodes":[{"id":"{{{id}}}","kind":"district","parentId":"taiyuan","name":"Hostile"}]}""");
        }
    }

    private static IEnumerable<HostileRequest> IndicatorCases()
    {
        static string One(string item) => $$$"""{"indicators":[{{{item}}}]}""";
        yield return Put("indicators: malformed JSON", Indicators, "{\"indicators\":[");
        yield return Put("indicators: empty", Indicators, """{"indicators":[]}""");
        yield return Put("indicators: an unknown name", Indicators, One("""{"name":"happiness","period":"2025","value":1}"""));
        yield return Put("indicators: a derived rate", Indicators, One("""{"name":"urbanizationRate","period":"2025","value":0.6}"""));
        yield return Put("indicators: a bad period", Indicators, One("""{"name":"hotline.received","period":"2025-13","value":1}"""));
        yield return Put("indicators: a negative count", Indicators, One("""{"name":"hotline.received","period":"2025","value":-1}"""));
        yield return Put("indicators: a fractional count", Indicators, One("""{"name":"hotline.received","period":"2025","value":1.5}"""));
        yield return Put("indicators: NaN", Indicators, One("""{"name":"hotline.received","period":"2025","value":NaN}"""));
        yield return Put("indicators: value as a string", Indicators, One("""{"name":"hotline.received","period":"2025","value":"7"}"""));
        yield return Put("indicators: resolved more than received", Indicators,
            """{"indicators":[{"name":"hotline.received","period":"2025","value":5},{"name":"hotline.resolved","period":"2025","value":9}]}""");
        yield return Put("indicators: the same figure twice", Indicators,
            """{"indicators":[{"name":"hotline.received","period":"2025","value":5},{"name":"hotline.received","period":"2025","value":6}]}""");
        yield return Put("indicators: on the province", "/api/v1/nodes/shanxi/indicators", One("""{"name":"hotline.received","period":"2025","value":1}"""));
        yield return Put("indicators: on an unknown node", "/api/v1/nodes/atlantis/indicators", One("""{"name":"hotline.received","period":"2025","value":1}"""));
        yield return Put("indicators: over the item limit", Indicators,
            "{\"indicators\":[" + string.Join(",", Enumerable.Range(0, 1001).Select(i => $$$"""{"name":"hotline.received","period":"2025","value":{{{i}}}}""")) + "]}");
    }

    private static IEnumerable<HostileRequest> AckCases(HostileInputFixture f)
    {
        var path = $"/api/v1/alarms/{Uri.EscapeDataString(f.AlarmId)}/ack";
        yield return Post("ack: malformed JSON", path, "{\"by\":");
        yield return Post("ack: no body", path, "");
        yield return Post("ack: nobody", path, "{}");
        yield return Post("ack: by a number", path, """{"by":7}""");
        yield return Post("ack: by blank", path, """{"by":"   "}""");
        yield return Post("ack: by 1,000 characters", path, $$$"""{"by":"{{{new string('b', 1000)}}}"}""");
        yield return Post("ack: by with a control character", path, """{"by":"Li\u0000"}""");
        yield return Post("ack: a 10,000-character comment", path, $$$"""{"by":"Li","comment":"{{{new string('c', 10_000)}}}"}""");
        yield return Post("ack: a misspelt property", path, """{"by":"Li","coment":"x"}""");
        yield return Post("ack: an unknown alarm", "/api/v1/alarms/taiyuan-xiaodian-gas-002~gasLel~0/ack", """{"by":"Li"}""");
        yield return Post("ack: a body over the limit", path, $$$"""{"by":"Li","comment":"{{{new string('c', 20_000)}}}"}""");
        foreach (var id in HostileIds.Where(i => i.Length > 0))
        {
            yield return Post($"ack: hostile alarm id '{id[..Math.Min(id.Length, 20)]}'", $"/api/v1/alarms/{Uri.EscapeDataString(id)}/ack", """{"by":"Li"}""");
        }
    }

    private static IEnumerable<HostileRequest> QueryCases()
    {
        string[] queries =
        [
            "/api/v1/assets?limit=-1", "/api/v1/assets?limit=99999999999", "/api/v1/assets?limit=1e3", "/api/v1/assets?cursor=not-a-cursor",
            "/api/v1/assets?kind=../x", "/api/v1/assets?status=1", "/api/v1/assets?node=..%2f..%2fetc", "/api/v1/alarms?cursor=%25%25%25",
            "/api/v1/alarms?state=1", "/api/v1/alarms?level=none", "/api/v1/alarms?limit=0", "/api/v1/rankings?level=city&metric=x",
            "/api/v1/rankings?level=planet&metric=aqi", "/api/v1/nodes/..%2f..%2fetc%2fpasswd", "/api/v1/assets/..%5c..%5cwin.ini",
            "/api/v1/assets/taiyuan-xiaodian-gas-001/history?metric=gasLel&from=yesterday",
            "/api/v1/assets/taiyuan-xiaodian-gas-001/history?metric=gasLel&from=2020-01-01T00:00:00Z",
            "/api/v1/nodes/taiyuan/history?metric=activeAlarms&step=1ns", "/api/v1/nodes/taiyuan/history?metric=../../x",
            "/api/v1/nodes/" + new string('a', 5000),
        ];
        return queries.Select(q => Get("query: " + q[..Math.Min(q.Length, 80)], q));
    }
}
