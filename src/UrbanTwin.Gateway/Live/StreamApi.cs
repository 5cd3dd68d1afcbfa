using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Live;

public sealed record SnapshotEvent(NodeView Node, NodeView[] Children);

public static class StreamApi
{
    public static RouteGroupBuilder MapStreamApi(this RouteGroupBuilder api)
    {
        api.MapGet("/nodes/{id}/stream", Stream).WithTags("Nodes")
            .WithSummary("Server-sent events: a snapshot of the node and its children, then 'node' changes and 'alarm' events (raised, changed, cleared) under it.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task Stream(string id, HttpContext context, Caller caller, NodeDirectory directory, IGrainFactory grains, LiveHub hub,
        IOptions<LiveOptions> options, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        if (!caller.TryFind(tree, id, out var node, out var problem))
        {
            await problem.ExecuteAsync(context);
            return;
        }

        // Subscribe before reading the snapshot: a change in between arrives twice rather than never.
        using var client = hub.Subscribe(node, caller.Name, limited: !caller.IsOpen);
        if (client is null)
        {
            Grains.Observability.UrbanTwinMeter.CountRefused("too-many-streams");
            context.Response.Headers.RetryAfter = "10";
            await TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many streams",
                detail: $"Key '{caller.Name}' already holds {options.Value.MaxStreamsPerKey} live streams on this gateway (Live:MaxStreamsPerKey); close one first.")
                .ExecuteAsync(context);
            return;
        }
        client.OnDropped(context.Abort);
        var grain = NodeGrains.Get(grains, node.Kind, id);
        var summary = await grain.GetSummary();
        if (summary is null)
        {
            await Problems.NotFound("node", id).ExecuteAsync(context);
            return;
        }
        var children = await grain.GetChildren();

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: do not buffer the stream
        var serializer = json.Value.SerializerOptions;
        await WriteAsync(response, "snapshot",
            new SnapshotEvent(NodeView.From(summary, node), [.. children.Select(c => NodeView.From(c, tree.Find(c.Id)))]), serializer, ct);

        while (!ct.IsCancellationRequested && !client.Dropped)
        {
            var (nodes, alarms) = await client.TakeAsync(options.Value.Heartbeat, ct);
            if (nodes.Length == 0 && alarms.Length == 0)
            {
                await response.WriteAsync(": heartbeat\n\n", ct);
            }
            foreach (var view in nodes)
            {
                await WriteAsync(response, "node", view, serializer, ct);
            }
            foreach (var alarm in alarms)
            {
                await WriteAsync(response, "alarm", alarm, serializer, ct);
            }
            await response.Body.FlushAsync(ct);
        }
    }

    private static async Task WriteAsync<T>(HttpResponse response, string name, T value, JsonSerializerOptions options, CancellationToken ct)
    {
        var payload = JsonSerializer.Serialize(value, options); // one line: JSON has no raw newlines
        await response.WriteAsync($"event: {name}\ndata: {payload}\n\n", Encoding.UTF8, ct);
        await response.Body.FlushAsync(ct);
    }
}
