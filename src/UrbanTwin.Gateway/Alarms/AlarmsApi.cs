using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts;
using UrbanTwin.Contracts.Alarms;
using UrbanTwin.Contracts.Assets;
using UrbanTwin.Contracts.Topology;
using UrbanTwin.Gateway.Http;
using UrbanTwin.Gateway.Assets;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;
using UrbanTwin.Domain.Rules;

namespace UrbanTwin.Gateway.Alarms;

public static class AlarmsApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const int MaxByLength = 64;
    public const int MaxCommentLength = 500;
    private const int MaxAckBodyBytes = 16 * 1024;

    public static RouteGroupBuilder MapAlarmsApi(this RouteGroupBuilder api)
    {
        var alarms = api.MapGroup("/alarms").WithTags("Alarms");
        alarms.MapGet("/", List).WithSummary("Alarms under a node (default: everywhere), newest first, by state and level, paged with nextCursor; "
            + "with from/to (RFC 3339 or relative: -7d), every episode active at any time in that range, from the history store when there is one.");
        alarms.MapGet("/{id}", GetAlarm).WithSummary("One alarm, with its ETag (If-None-Match: 304 while it has not changed).")
            .Produces(StatusCodes.Status304NotModified);
        alarms.MapPost("/{id}/ack", Acknowledge).Requires(Permission.Acknowledge).WithSummary("Acknowledges an alarm ({by, comment}): durable before the answer, idempotent; 409 once cleared.")
            .Accepts<AcknowledgeRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithDescription("With If-Match (the alarm's ETag as read), the acknowledgement is made only if the alarm has not changed since: "
                + "412 with the current ETag otherwise, so an operator never acknowledges an escalation they have not seen.");
        return api;
    }

    private static async Task<Results<Ok<AlarmPageView>, ProblemHttpResult, ValidationProblem>> List(
        string? node, string? state, string? level, string? limit, string? cursor, string? from, string? to,
        Caller caller, NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, HttpContext context, IServiceProvider services,
        CancellationToken ct)
    {
        var tree = await directory.GetAsync(ct);
        AlarmState? wantedState = null;
        if (state is not null)
        {
            if (!TryParseName<AlarmState>(state, out var parsed))
            {
                return Problems.Invalid("state", "must be one of active, acknowledged, cleared");
            }
            wantedState = parsed;
        }
        AlarmLevel? wantedLevel = null;
        if (level is not null)
        {
            if (!TryParseName<AlarmLevel>(level, out var parsed) || parsed == AlarmLevel.None)
            {
                return Problems.Invalid("level", "must be warning or alarm");
            }
            wantedLevel = parsed;
        }
        var pageSize = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > MaxPageSize))
        {
            return Problems.Invalid("limit", $"must be an integer from 1 to {MaxPageSize}");
        }
        (DateTimeOffset RaisedAt, string Id)? after = null;
        if (cursor is not null)
        {
            if (DecodeCursor(cursor) is not { } position)
            {
                return Problems.Invalid("cursor", "not a cursor returned by this list");
            }
            after = position;
        }
        var now = clock.GetUtcNow();
        DateTimeOffset rangeFrom = DateTimeOffset.MinValue, rangeTo = now;
        if (from is not null && !History.HistoryQuery.TryParseInstant(from, now, out rangeFrom))
        {
            return Problems.Invalid("from", History.HistoryQuery.InstantRequirement);
        }
        if (to is not null && !History.HistoryQuery.TryParseInstant(to, now, out rangeTo))
        {
            return Problems.Invalid("to", History.HistoryQuery.InstantRequirement);
        }
        if (rangeFrom > rangeTo)
        {
            return Problems.Invalid("from", "must not be after to");
        }
        var ranged = from is not null || to is not null;
        List<string> districts;
        if (node is null)
        {
            districts = caller.Districts(tree);
        }
        else if (caller.TryFind(tree, node, out var scope, out var problem))
        {
            districts = tree.DistrictsUnder(scope);
        }
        else
        {
            return problem;
        }

        // Each district answers its own newest matches; merging them and keeping the newest pageSize is the page.
        var query = new AlarmQuery(wantedState, wantedLevel, after?.RaisedAt, after?.Id, pageSize + 1);
        // Each district through the last-seen cache: a district whose silo just died answers its last page, marked stale.
        var found = await Task.WhenAll(districts.Select(d => reads.GetAsync($"alarms:{d}:{query}", () => grains.ByKey<IDistrictGrain>(d).SearchAlarms(query), ct)));
        var freshness = Freshness.Of(found, clock.GetUtcNow()).Describe(context, clock);
        IEnumerable<AlarmRecord> candidates = found.SelectMany(f => f.Value);
        if (ranged)
        {
            // The grains' own (open and recently cleared) within the range, and every past episode the store keeps.
            candidates = candidates.Where(a => a.RaisedAt <= rangeTo && (a.ClearedAt is not { } cleared || cleared >= rangeFrom));
            if (services.GetService<UrbanTwin.History.HistoryStore>() is { } store)
            {
                var stored = await store.Alarms.ActiveBetweenAsync(districts, rangeFrom, rangeTo, wantedState, wantedLevel, after?.RaisedAt, after?.Id,
                    pageSize + 1, ct);
                candidates = candidates.Concat(stored).GroupBy(a => a.Id).Select(g => g.MaxBy(a => a.Version)!);
            }
        }
        var merged = candidates
            .OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.Id, StringComparer.Ordinal)
            .Take(pageSize + 1).ToList();
        var page = merged.Take(pageSize).Select(a => AlarmView.From(a, tree)).ToArray();
        var next = merged.Count > pageSize ? EncodeCursor(page[^1].RaisedAt, page[^1].Id) : null;
        return TypedResults.Ok(new AlarmPageView(page, next, freshness.Stale, freshness.StaleAsOf));
    }

    private static async Task<Results<Ok<AlarmView>, StatusCodeHttpResult, ProblemHttpResult>> GetAlarm(
        string id, Caller caller, NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, HttpContext context, CancellationToken ct)
    {
        if (await FindAsync(id, caller, directory, grains, reads, ct) is not { } found)
        {
            return Problems.NotFound("alarm", id);
        }
        if (found.Problem is { } outOfScope)
        {
            return outOfScope;
        }
        Freshness.Of(found.Read).Describe(context, clock);
        var view = AlarmView.From(found.Alarm, await directory.GetAsync(ct));
        return EntityTags.NotModified(context, view.Etag) ? EntityTags.NotModifiedResult() : TypedResults.Ok(view);
    }

    /// <summary>An alarm by id, through its asset's last-seen read: null when there is none; a problem when the caller may not see it.</summary>
    internal static async Task<(AlarmRecord Alarm, ReadResult<AssetSnapshot?> Read, ProblemHttpResult? Problem)?> FindAsync(string id, Caller caller,
        NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, CancellationToken ct) =>
        AlarmRecord.AssetOf(id) is { } assetId
        && await AssetsApi.FindAsync(assetId, caller, directory, grains, reads, ct) is { } found
        && found.Read.Value!.Alarms.FirstOrDefault(a => a.Id == id) is { } alarm
            ? (alarm, found.Read, found.Problem)
            : null;

    private static async Task<Results<Ok<AlarmView>, ProblemHttpResult, ValidationProblem>> Acknowledge(
        string id, HttpRequest request, Caller caller, NodeDirectory directory, IGrainFactory grains, CancellationToken ct)
    {
        if (!EntityTags.TryReadIfMatch(request, out var expected, out var badIfMatch))
        {
            return badIfMatch!;
        }
        var read = await RequestBody.ReadJsonAsync<AcknowledgeRequest>(request, MaxAckBodyBytes, ApiJson.Strict, ct);
        if (read.TooLarge is { } tooLarge)
        {
            return tooLarge;
        }
        if (read.Malformed is { } malformed)
        {
            return malformed;
        }
        var ack = read.Value;
        if (ack?.By is not { } by || string.IsNullOrWhiteSpace(by) || by.Length > MaxByLength || by.Any(char.IsControl))
        {
            return Problems.Invalid("by", $"who acknowledges: 1 to {MaxByLength} characters, no control characters");
        }
        if (ack.Comment is { } comment && (comment.Length > MaxCommentLength || comment.Any(c => char.IsControl(c) && c != '\n')))
        {
            return Problems.Invalid("comment", $"at most {MaxCommentLength} characters, no control characters but line breaks");
        }
        if (AlarmRecord.AssetOf(id) is not { } assetId || !Identifiers.IsValidAssetId(assetId))
        {
            return Problems.NotFound("alarm", id);
        }
        var tree = await directory.GetAsync(ct);
        var result = await grains.ByKey<IAssetGrain>(assetId).Acknowledge(id, by.Trim(), ack.Comment, caller.Name, caller.WriteScope(tree), expected);
        if (result.Alarm is { } current)
        {
            request.HttpContext.Response.Headers.ETag = AlarmView.ETagOf(current);
        }
        return result.Outcome switch
        {
            AcknowledgeOutcome.Changed => EntityTags.Changed(request.HttpContext, $"Alarm '{id}'", AlarmView.ETagOf(result.Alarm!)),
            AcknowledgeOutcome.Acknowledged or AcknowledgeOutcome.AlreadyAcknowledged => TypedResults.Ok(AlarmView.From(result.Alarm!, tree)),
            AcknowledgeOutcome.Cleared => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Alarm cleared",
                detail: $"Alarm '{id}' cleared at {result.Alarm!.ClearedAt:O}; a cleared alarm cannot be acknowledged."),
            AcknowledgeOutcome.OutOfScope => Problems.OutOfScope(caller, $"alarm '{id}'"),
            _ => Problems.NotFound("alarm", id),
        };
    }

    /// <summary>Only the names (case-insensitive), never numbers: "1" is not a state.</summary>
    private static bool TryParseName<T>(string text, out T value) where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !text.Any(char.IsDigit);

    private static string EncodeCursor(DateTimeOffset raisedAt, string id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{raisedAt.UtcTicks}\n{id}"));

    private static (DateTimeOffset, string)? DecodeCursor(string text)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('\n');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks && parts[1].Length > 0
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), parts[1])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
