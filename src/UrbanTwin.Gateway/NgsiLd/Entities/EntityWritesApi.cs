using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using UrbanTwin.Gateway.Ingest;
using UrbanTwin.Gateway.NgsiLd.JsonLd;
using UrbanTwin.Gateway.Nodes;
using UrbanTwin.Gateway.Reads;
using UrbanTwin.Gateway.Security;

namespace UrbanTwin.Gateway.NgsiLd.Entities;

/// <summary>
/// The entity writes of clause 6.4.3.1 (Create Entity, <c>POST /entities</c>: 201 with <c>Location</c>), 6.5.3.2
/// (Delete Entity: 204), 6.6.3.1 (Append Attributes, <c>POST /entities/{id}/attrs</c>: 204, or 207 for those kept
/// with <c>noOverwrite</c>), 6.6.3.3 (Update Attributes, <c>PATCH /entities/{id}/attrs</c>: 204) and 6.7.3.3 (Partial
/// Attribute Update, <c>PATCH /entities/{id}/attrs/{attrId}</c>: 204, ResourceNotFound for an attribute the entity does
/// not have). A write is done as a whole or not at all, so an update answers 204 or an error, never 207.
/// </summary>
public static class EntityWritesApi
{
    public static RouteGroupBuilder MapNgsiLdEntityWrites(this RouteGroupBuilder ngsi)
    {
        ngsi.MapPost("/entities", CreateAsync).Requires(Permission.Write).ExcludeFromDescription();
        ngsi.MapDelete("/entities/{entityId}", DeleteAsync).Requires(Permission.Write).ExcludeFromDescription();
        ngsi.MapPatch("/entities/{entityId}/attrs", UpdateAttributesAsync).Requires(Permission.Write).ExcludeFromDescription();
        ngsi.MapPost("/entities/{entityId}/attrs", AppendAttributesAsync).Requires(Permission.Write).ExcludeFromDescription();
        ngsi.MapPatch("/entities/{entityId}/attrs/{attrId}", UpdateAttributeAsync).Requires(Permission.Write).ExcludeFromDescription();
        return ngsi;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, Caller caller, ContextResolver contexts, EntityWriter writer,
        IOptions<IngestOptions> limits, CancellationToken ct)
    {
        NgsiLdQuery.RefuseUnknown(http.Request.Query);
        var (request, body) = await NgsiLdRequest.ReadWithBodyAsync(http, contexts, limits.Value.MaxBodyBytes, ct);
        var entity = EntityDocument.Read(body, request.Context, fragment: false);
        var outcome = (await writer.WriteAsync([entity], WriteMode.Create, createMissing: true, caller, ct))[0];
        return outcome.Error?.ToResult() ?? Results.Created($"/ngsi-ld/v1/entities/{Uri.EscapeDataString(entity.Id!)}", null);
    }

    private static async Task<IResult> DeleteAsync(string entityId, HttpContext http, Caller caller, EntityWriter writer, CancellationToken ct)
    {
        NgsiLdQuery.RefuseUnknown(http.Request.Query, "type");
        var outcome = (await writer.DeleteAsync([CheckedId(entityId)], caller, ct))[0];
        return outcome.Error?.ToResult() ?? Results.NoContent();
    }

    private static async Task<IResult> UpdateAttributesAsync(string entityId, HttpContext http, Caller caller, ContextResolver contexts, EntityWriter writer,
        IOptions<IngestOptions> limits, CancellationToken ct)
    {
        NgsiLdQuery.RefuseUnknown(http.Request.Query);
        var (request, body) = await NgsiLdRequest.ReadWithBodyAsync(http, contexts, limits.Value.MaxBodyBytes, ct);
        var fragment = EntityDocument.Read(body, request.Context, fragment: true) with { Id = CheckedId(entityId) };
        var outcome = (await writer.WriteAsync([fragment], WriteMode.Update, createMissing: false, caller, ct))[0];
        return outcome.Error?.ToResult() ?? Results.NoContent();
    }

    /// <summary>
    /// Append Entity Attributes (clause 6.6.3.1): the attributes are added, or overwrite those of the same name; with
    /// <c>options=noOverwrite</c> an attribute the entity has is left as it is and answered in <c>notUpdated</c> (207).
    /// </summary>
    private static async Task<IResult> AppendAttributesAsync(string entityId, HttpContext http, Caller caller, ContextResolver contexts, EntityWriter writer,
        NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, IOptions<IngestOptions> limits, CancellationToken ct)
    {
        NgsiLdQuery.RefuseUnknown(http.Request.Query, "options");
        var noOverwrite = http.Request.Query["options"].ToString() switch
        {
            "" => false,
            "noOverwrite" => true,
            var other => throw new NgsiLdException(NgsiLdError.BadRequestData($"options: '{other}' is not noOverwrite")),
        };
        var (request, body) = await NgsiLdRequest.ReadWithBodyAsync(http, contexts, limits.Value.MaxBodyBytes, ct);
        var fragment = EntityDocument.Read(body, request.Context, fragment: true) with { Id = CheckedId(entityId) };
        var kept = new List<EntityAttribute>();
        if (noOverwrite)
        {
            var existing = await EntitiesApi.FindAsync(entityId, caller, directory, grains, reads, clock, ct)
                ?? throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{entityId}: no such entity"));
            kept = [.. fragment.Attributes.Where(a => existing.Attributes.Any(e => e.Iri == a.Iri))];
            fragment = fragment with { Attributes = [.. fragment.Attributes.Except(kept)] };
        }
        if (fragment.Attributes.Count > 0)
        {
            var outcome = (await writer.WriteAsync([fragment], WriteMode.Update, createMissing: false, caller, ct))[0];
            if (outcome.Error is { } error)
            {
                return error.ToResult();
            }
        }
        return kept.Count == 0 ? Results.NoContent() : Results.Json(new
        {
            updated = fragment.Attributes.Select(a => a.Term).ToArray(),
            notUpdated = kept.Select(a => new { attributeName = a.Term, reason = "the entity has it and options=noOverwrite was asked" }).ToArray(),
        }, statusCode: StatusCodes.Status207MultiStatus);
    }

    private static async Task<IResult> UpdateAttributeAsync(string entityId, string attrId, HttpContext http, Caller caller, ContextResolver contexts,
        EntityWriter writer, NodeDirectory directory, IGrainFactory grains, LastSeenReads reads, TimeProvider clock, IOptions<IngestOptions> limits,
        CancellationToken ct)
    {
        NgsiLdQuery.RefuseUnknown(http.Request.Query);
        var (request, body) = await NgsiLdRequest.ReadWithBodyAsync(http, contexts, limits.Value.MaxBodyBytes, ct);
        if (body is JsonObject attribute)
        {
            attribute.Remove("@context");
        }
        var fragment = new EntityDocument(CheckedId(entityId), null, [EntityAttribute.Read(attrId, body.DeepClone(), request.Context, attrId)]);
        var existing = await EntitiesApi.FindAsync(entityId, caller, directory, grains, reads, clock, ct)
            ?? throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{entityId}: no such entity"));
        var iri = fragment.Attributes[0].Iri;
        if (!existing.Attributes.Any(a => a.Iri == iri) && !IsMetricOf(existing, iri))
        {
            throw new NgsiLdException(NgsiLdError.ResourceNotFound($"{entityId}: no attribute {attrId}"));
        }
        var outcome = (await writer.WriteAsync([fragment], WriteMode.Update, createMissing: false, caller, ct))[0];
        return outcome.Error?.ToResult() ?? Results.NoContent();
    }

    /// <summary>A metric of the asset's kind is an attribute it has, even before its first reading.</summary>
    private static bool IsMetricOf(NgsiEntity entity, string iri) =>
        EntityTypes.KindOf(ContextResolver.Core.Compact(entity.TypeIri)) is { } kind
        && Domain.Rules.AssetCatalog.Get(kind).Metric(ContextResolver.Core.Compact(iri)) is not null;

    private static string CheckedId(string entityId) => Uri.TryCreate(entityId, UriKind.Absolute, out _)
        ? entityId : throw new NgsiLdException(NgsiLdError.BadRequestData($"entityId: '{entityId}' is not a URI"));
}
