using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Observability;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.Live;

public sealed record SnapshotEvent(NodeView Node, NodeView[] Children);

public static class StreamApi
{
    private const string LastEventIdHeader = "Last-Event-ID";

    public static RouteGroupBuilder MapStreamApi(this RouteGroupBuilder api)
    {
        api.MapGet("/nodes/{id}/stream", Stream).WithTags("Nodes")
            .WithSummary("Server-sent events: a snapshot of the node and its children, then 'node' changes and 'alarm' events (raised, changed, " +
                "cleared) under it, pushed as they happen, and a 'heartbeat' when idle. Every event has an id (the gateway's clock, ms since " +
                "1970): reconnecting with Last-Event-ID first replays the alarm events logged since then (ids tell repeats).")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> Stream(string id, HttpContext context, Caller caller, NodeDirectory directory, IGrainFactory grains,
        LiveHub hub, LastSeenReads reads, IOptions<ReadOptions> readOptions, IOptions<LiveOptions> options, IOptions<JsonOptions> json, TimeProvider clock,
        CancellationToken ct)
    {
        DateTimeOffset? lastEventAt = null;
        if (context.Request.Headers.TryGetValue(LastEventIdHeader, out var lastEventId))
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                return Problems.Invalid(LastEventIdHeader, "must be the id of an event of this stream (milliseconds since 1970)");
            }
            lastEventAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        var tree = await directory.GetAsync(ct);
        if (!caller.TryFind(tree, id, out var node, out var problem))
        {
            return problem;
        }

        // Subscribe before reading the snapshot: a change in between arrives twice rather than never.
        if (hub.Subscribe(node, caller.Name, limited: !caller.IsOpen) is not var (client, feed))
        {
            AccessRefusals.Label(context, "too-many-streams");
            context.Response.Headers.RetryAfter = "10";
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many streams",
                detail: $"Key '{caller.Name}' already holds {options.Value.MaxStreamsPerKey} live streams on this gateway (Live:MaxStreamsPerKey); close one first.");
        }
        context.Response.RegisterForDispose(client); // however the response ends, even before the stream starts
        client.OnDropped(context.Abort);
        // The snapshot is read as every other read is (Reads/LastSeenReads): while the node's silo fails over, the
        // stream opens at once on the last state seen, marked stale, and the feed's pushes bring it up to date.
        await WaitAtMostAsync(feed.FirstWatch, readOptions.Value.Budget, clock, ct);
        var read = await NodesApi.ReadSummaryAsync(reads, grains, node, ct);
        if (read.Value is not { } summary)
        {
            return Problems.NotFound("node", id);
        }
        var children = (await NodesApi.ReadChildrenAsync(reads, grains, node, ct)).Value;
        var missed = lastEventAt is { } since ? await feed.LoggedSinceAsync(since - options.Value.CatchUpOverlap, ct) : [];

        context.Response.Headers["X-Accel-Buffering"] = "no"; // nginx: do not buffer the stream
        var snapshot = new SnapshotEvent(NodeView.From(summary, node) with { Stale = read.Stale }, [.. children.Select(c => NodeView.From(c, tree.Find(c.Id)))]);
        return TypedResults.ServerSentEvents(Events(snapshot, missed, client, options.Value.Heartbeat, json.Value.SerializerOptions, clock, ct));
    }

    /// <summary>The snapshot, the alarm events missed since the client's last event, then what the feed pushes, as it comes.</summary>
    private static async IAsyncEnumerable<SseItem<string>> Events(SnapshotEvent snapshot, AlarmEvent[] missed, LiveSubscription client,
        TimeSpan heartbeat, JsonSerializerOptions json, TimeProvider clock, [EnumeratorCancellation] CancellationToken ct)
    {
        using (client)
        {
            yield return Item("snapshot", snapshot, json, clock);
            var replayed = missed.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var alarm in missed)
            {
                yield return Item("alarm", alarm, json, clock);
            }
            while (!client.Dropped)
            {
                if (await TakeAsync(client, heartbeat, ct) is not var (nodes, alarms))
                {
                    yield break; // the client went away
                }
                if (nodes.Length == 0 && alarms.Length == 0)
                {
                    yield return new SseItem<string>("{}", "heartbeat") { EventId = Id(clock) };
                }
                foreach (var view in nodes)
                {
                    yield return Item("node", view, json, clock);
                }
                foreach (var alarm in alarms)
                {
                    if (replayed.Count == 0 || !replayed.Remove(alarm.Id)) // pushed while it was being replayed from the log: once is enough
                    {
                        yield return Item("alarm", alarm, json, clock);
                    }
                }
            }
        }
    }

    /// <summary>Waits for <paramref name="task"/> at most <paramref name="budget"/>; it goes on either way.</summary>
    private static async Task WaitAtMostAsync(Task task, TimeSpan budget, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            await task.WaitAsync(budget, clock, ct);
        }
        catch (TimeoutException)
        {
            // the node is slow to answer (a silo failing over): the feed keeps asking, its pushes follow
        }
    }

    private static async Task<(NodeView[] Nodes, AlarmEvent[] Alarms)?> TakeAsync(LiveSubscription client, TimeSpan heartbeat, CancellationToken ct)
    {
        try
        {
            return await client.TakeAsync(heartbeat, ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return null;
        }
    }

    // One line of JSON per event (JSON has no raw newlines), with the gateway's clock as its id for Last-Event-ID.
    private static SseItem<string> Item<T>(string name, T value, JsonSerializerOptions json, TimeProvider clock) =>
        new(JsonSerializer.Serialize(value, json), name) { EventId = Id(clock) };

    private static string Id(TimeProvider clock) => clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
