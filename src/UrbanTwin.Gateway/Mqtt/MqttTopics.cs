namespace UrbanTwin.Gateway.Mqtt;

/// <summary>The topics the twin takes and publishes, under a prefix (<c>urbantwin/v1</c> by default).</summary>
public sealed class MqttTopics(string prefix)
{
    /// <summary>
    /// Batches: the same JSON array, single object or NDJSON as <c>POST /api/v1/telemetry</c>; also under one more
    /// level, <c>{prefix}/telemetry/{source}</c> (a data-acquisition unit's own topic). Order is kept per topic, so
    /// sources on topics of their own are taken in parallel.
    /// </summary>
    public string Telemetry { get; } = prefix + "/telemetry";

    /// <summary>One asset's readings: <c>{prefix}/assets/+/telemetry</c>.</summary>
    public string AssetTelemetry { get; } = prefix + "/assets/+/telemetry";

    /// <summary>Where refusals are published: <c>{topic, index, assetId, reason, detail, receivedAt}</c>.</summary>
    public string Rejected { get; } = prefix + "/rejected";

    private readonly string _assets = prefix + "/assets/";

    /// <summary>
    /// What a topic a message came on is: the batch topic (<paramref name="assetId"/> null), an asset's topic (its
    /// id, still to be checked as an id), or neither.
    /// </summary>
    public bool TryRoute(string topic, out string? assetId)
    {
        assetId = null;
        if (topic == Telemetry)
        {
            return true;
        }
        if (topic.Length > Telemetry.Length + 1 && topic.StartsWith(Telemetry, StringComparison.Ordinal) && topic[Telemetry.Length] == '/')
        {
            return topic.IndexOf('/', Telemetry.Length + 1) < 0; // one source level
        }
        const string suffix = "/telemetry";
        if (topic.Length > _assets.Length + suffix.Length && topic.StartsWith(_assets, StringComparison.Ordinal) && topic.EndsWith(suffix, StringComparison.Ordinal))
        {
            var id = topic[_assets.Length..^suffix.Length];
            if (!id.Contains('/'))
            {
                assetId = id;
                return true;
            }
        }
        return false;
    }

    /// <summary>The topic filters the gateway subscribes to, shared among gateways when <paramref name="sharedGroup"/> is set.</summary>
    public IEnumerable<string> Filters(string? sharedGroup) =>
        new[] { Telemetry + "/#", AssetTelemetry }.Select(f => string.IsNullOrEmpty(sharedGroup) ? f : $"$share/{sharedGroup}/{f}");

    public static bool IsValidLevel(string level) => level.Length > 0 && level.IndexOfAny(['/', '+', '#', '\0']) < 0 && level[0] != '$';

    public static bool IsValidPrefix(string prefix) => prefix.Length is > 0 and <= 200 && prefix.Split('/').All(IsValidLevel);
}
