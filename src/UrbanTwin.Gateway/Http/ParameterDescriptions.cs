using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace UrbanTwin.Gateway.Http;

/// <summary>
/// What each query and path parameter of the API means, in one place (the same names mean the same thing on every
/// operation), written into the OpenAPI document where an operation does not describe a parameter itself.
/// </summary>
public sealed class ParameterDescriptions : IOpenApiOperationTransformer
{
    private static readonly Dictionary<string, string> Meanings = new(StringComparer.Ordinal)
    {
        ["id"] = "The resource's id: a node id (`shanxi`, `taiyuan`, `taiyuan-xiaodian`), an asset id (`taiyuan-xiaodian-gas-001`) or an alarm id (`{assetId}:{metric}:{n}`).",
        ["node"] = "Only what lies under this node (a province, cluster, city or district id); default: everything the key may see.",
        ["kind"] = "Only assets of this kind (`gas-pipeline`, `water-main`, `drainage`, `heating`, `bridge`, `utility-tunnel`, `waterlogging-point`, `air-quality-station`).",
        ["status"] = "Only assets in this status: `normal`, `warning`, `alarm` or `offline`.",
        ["state"] = "Only alarms in this state: `active`, `acknowledged` or `cleared`.",
        ["level"] = "For alarms, only this level: `warning` or `alarm`. For rankings, what is ranked: `cluster`, `city` or `district`.",
        ["limit"] = "Most items in one page (1 to 1000; default 100).",
        ["cursor"] = "Where the next page starts: the `nextCursor` of the previous page, unchanged.",
        ["metric"] = "The metric or aggregate (e.g. `gasLel`, `activeAlarms.alarm`, `aqi`, `gasLel.mean`, `urbanizationRate`).",
        ["order"] = "`desc` (default) or `asc`.",
        ["from"] = "Start of the range: RFC 3339 with an offset, `now`, or relative to now (`-90s`, `-30m`, `-24h`, `-7d`, `-2w`); default: 24 h (assets) or 1 h (nodes) before `to`.",
        ["to"] = "End of the range: RFC 3339 with an offset, `now`, or relative to now (`-1h`); default: now.",
        ["step"] = "Resolution of history: `raw` (every reading; assets only, their default), `10s` (nodes, last hour), `1m`, `1h` or `1d`; a node's default follows the range.",
        ["agg"] = "How each step's values become its point: `avg` (default), `min`, `max` or `last`.",
        ["contains"] = "Only the nodes whose boundary holds this point, `lng,lat` in degrees (e.g. `112.53,37.74`), innermost first.",
        ["near"] = "Only assets within `radius` metres (great-circle) of this point, `lng,lat` in degrees, nearest first; each item has `distanceM`.",
        ["radius"] = "Metres around the point of `near`, or around the alarm's asset (surroundings, default 500): more than 0, at most 50,000.",
        ["bbox"] = "Only assets in this box, `minLng,minLat,maxLng,maxLat` in degrees (edges included).",
        ["include"] = "`boundary`: each node with its boundary as a GeoJSON geometry (left out by default to keep answers small).",
        ["ack"] = "`accepted` (default): answered once applied to live state, written behind within Storage:FlushInterval. `durable`: answered once in Redis.",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter concrete && string.IsNullOrEmpty(concrete.Description) && concrete.Name is { } name
                && Meanings.TryGetValue(name, out var meaning))
            {
                concrete.Description = meaning;
            }
        }
        return Task.CompletedTask;
    }
}
