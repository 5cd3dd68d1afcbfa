using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.NgsiLd.Entities;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.NgsiLd.Batch;

/// <summary>
/// The batch entity operations of clause 6.14 to 6.17: <c>POST /entityOperations/create</c> (201 with the ids),
/// <c>upsert</c> (<c>options=replace</c>, the default, or <c>update</c>; 201 with the ids created, else 204),
/// <c>update</c> (204) and <c>delete</c> (a body of ids; 204); when any entity fails, 207 with <c>success</c> (the ids
/// done) and <c>errors</c> (each id with its problem details). At most <see cref="IngestOptions.MaxItemsPerBatch"/>
/// entities, an id at most once per request.
/// </summary>
public static class BatchApi
{
    public static RouteGroupBuilder MapNgsiLdBatch(this RouteGroupBuilder ngsi)
    {
        ngsi.MapPost("/entityOperations/create", (HttpContext http, Caller caller, ContextResolver contexts, EntityWriter writer, IOptions<IngestOptions> limits,
            CancellationToken ct) => WriteAsync(http, caller, contexts, writer, limits.Value, WriteMode.Create, createMissing: true, ct))
            .Requires(Permission.Write).ExcludeFromDescription();
        ngsi.MapPost("/entityOperations/upsert", (HttpContext http, Caller caller, ContextResolver contexts, EntityWriter writer, IOptions<IngestOptions> limits,
            CancellationToken ct) => WriteAsync(http, caller, contexts, writer, limits.Value, ReplaceOrUpdate(http.Request.Query), createMissing: true, ct))
            .Requires(Permission.Write).ExcludeFromDescription();
        ngsi.MapPost("/entityOperations/update", (HttpContext http, Caller caller, ContextResolver contexts, EntityWriter writer, IOptions<IngestOptions> limits,
            CancellationToken ct) => WriteAsync(http, caller, contexts, writer, limits.Value, WriteMode.Update, createMissing: false, ct))
            .Requires(Permission.Write).ExcludeFromDescription();
        ngsi.MapPost("/entityOperations/delete", DeleteAsync).Requires(Permission.Write).ExcludeFromDescription();
        return ngsi;
    }

    /// <summary>Upsert's <c>options</c>: <c>replace</c> (the default) or <c>update</c>.</summary>
    private static WriteMode ReplaceOrUpdate(IQueryCollection query) => query["options"].ToString() switch
    {
        "" or "replace" => WriteMode.Replace,
        "update" => WriteMode.Update,
        var other => throw new NgsiLdException(NgsiLdError.BadRequestData($"options: '{other}' is not replace or update")),
    };

    private static async Task<IResult> WriteAsync(HttpContext http, Caller caller, ContextResolver contexts, EntityWriter writer, IngestOptions limits,
        WriteMode mode, bool createMissing, CancellationToken ct)
    {
        NgsiLdQuery.RefuseUnknown(http.Request.Query, http.Request.Path.Value!.EndsWith("/upsert", StringComparison.Ordinal) ? ["options"] : []);
        var (request, body) = await NgsiLdRequest.ReadWithBodyAsync(http, contexts, limits.MaxBodyBytes, ct);
        var array = Entities(body, limits.MaxItemsPerBatch);
        var jsonLd = http.Request.ContentType?.StartsWith(NgsiLdRequest.JsonLd, StringComparison.OrdinalIgnoreCase) == true;
        var documents = new List<EntityDocument>();
        var errors = new List<(string Id, NgsiLdError Error)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var id = array[i] is JsonObject o && o["id"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? (string)v! : null;
            try
            {
                var context = await NgsiLdRequest.ElementContextAsync(request, array[i] as JsonObject ?? [], jsonLd, contexts, ct);
                var document = EntityDocument.Read(array[i], context, fragment: false, path: $"[{i}].");
                if (!seen.Add(document.Id!))
                {
                    throw new NgsiLdException(NgsiLdError.BadRequestData($"[{i}].id: {document.Id} appears earlier in this request"));
                }
                documents.Add(document);
            }
            catch (NgsiLdException ex)
            {
                errors.Add((id ?? $"[{i}]", ex.Error));
            }
        }
        var outcomes = documents.Count == 0 ? [] : await writer.WriteAsync(documents, mode, createMissing, caller, ct);
        errors.AddRange(outcomes.Where(o => o.Error is not null).Select(o => (o.EntityId, o.Error!)));
        var done = outcomes.Where(o => o.Error is null).ToList();
        if (errors.Count > 0)
        {
            return Partial(done.Select(o => o.EntityId), errors);
        }
        return mode == WriteMode.Create || done.Any(o => o.Created)
            ? Results.Json(done.Where(o => o.Created || mode == WriteMode.Create).Select(o => o.EntityId).ToArray(), statusCode: StatusCodes.Status201Created)
            : Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, Caller caller, ContextResolver contexts, EntityWriter writer, IOptions<IngestOptions> limits,
        CancellationToken ct)
    {
        NgsiLdQuery.RefuseUnknown(http.Request.Query);
        var (_, body) = await NgsiLdRequest.ReadWithBodyAsync(http, contexts, limits.Value.MaxBodyBytes, ct);
        var array = Entities(body, limits.Value.MaxItemsPerBatch);
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<(string Id, NgsiLdError Error)>();
        for (var i = 0; i < array.Count; i++)
        {
            var id = array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? (string)v! : null;
            if (id is null || !Uri.TryCreate(id, UriKind.Absolute, out _))
            {
                errors.Add(($"[{i}]", NgsiLdError.BadRequestData($"[{i}]: an entity id (a URI)")));
            }
            else if (!seen.Add(id))
            {
                errors.Add((id, NgsiLdError.BadRequestData($"[{i}]: {id} appears earlier in this request")));
            }
            else
            {
                ids.Add(id);
            }
        }
        var outcomes = await writer.DeleteAsync(ids, caller, ct);
        errors.AddRange(outcomes.Where(o => o.Error is not null).Select(o => (o.EntityId, o.Error!)));
        return errors.Count > 0 ? Partial(outcomes.Where(o => o.Error is null).Select(o => o.EntityId), errors) : Results.NoContent();
    }

    private static JsonArray Entities(JsonNode body, int max)
    {
        if (body is not JsonArray { Count: > 0 } array)
        {
            throw new NgsiLdException(NgsiLdError.BadRequestData("body: a non-empty array"));
        }
        return array.Count <= max ? array
            : throw new NgsiLdException(NgsiLdError.PayloadTooLarge($"{array.Count:N0} entities in one request; the limit is {max:N0} (Ingest:MaxItemsPerBatch)"));
    }

    /// <summary>207 with the BatchOperationResult of clause 5.2.16: the ids done, and each failed one with its problem details.</summary>
    private static IResult Partial(IEnumerable<string> success, List<(string Id, NgsiLdError Error)> errors) => Results.Json(new
    {
        success = success.ToArray(),
        errors = errors.Select(e => new { entityId = e.Id, error = new { type = e.Error.Type, title = e.Error.Title, status = e.Error.Status, detail = e.Error.Detail } }),
    }, statusCode: StatusCodes.Status207MultiStatus);
}
