using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace UrbanTwin.Gateway.Http;

/// <summary>
/// Conditional requests (RFC 9110 §13): reads carry an <c>ETag</c> and answer 304 to a matching
/// <c>If-None-Match</c>; writes that take <c>If-Match</c> answer 412 when the resource changed since the client
/// read it, so two operators cannot overwrite each other unknowingly. The comparison for a write happens where the
/// state lives (the grain), in the same turn as the write.
/// </summary>
public static class EntityTags
{
    /// <summary>Sets the <c>ETag</c>; true when the request's <c>If-None-Match</c> names it (answer 304 then).</summary>
    public static bool NotModified(HttpContext context, string etag)
    {
        context.Response.Headers.ETag = etag;
        var header = context.Request.Headers.IfNoneMatch;
        if (header.Count == 0 || !EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }
        var current = EntityTagHeaderValue.Parse(etag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }

    public static StatusCodeHttpResult NotModifiedResult() => TypedResults.StatusCode(StatusCodes.Status304NotModified);

    /// <summary>
    /// The tag <c>If-Match</c> asks for: null when there is no header or it is <c>*</c> (no condition beyond
    /// existence), else its opaque value without quotes; a malformed header is a 400 naming it.
    /// </summary>
    public static bool TryReadIfMatch(HttpRequest request, out string? expected, out ValidationProblem? problem)
    {
        expected = null;
        problem = null;
        var header = request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return true;
        }
        if (!EntityTagHeaderValue.TryParseStrictList(header, out var tags) || tags.Count != 1 || (tags[0].IsWeak && !tags[0].Equals(EntityTagHeaderValue.Any)))
        {
            problem = Problems.Invalid("If-Match", "must be one strong entity tag, as the ETag of the resource read (e.g. \"42\"), or *");
            return false;
        }
        expected = tags[0].Equals(EntityTagHeaderValue.Any) ? null : tags[0].Tag.ToString().Trim('"');
        return true;
    }

    /// <summary>412: the resource changed since the client read it; its current tag is in the <c>ETag</c> header.</summary>
    public static ProblemHttpResult Changed(HttpContext context, string what, string currentEtag)
    {
        context.Response.Headers.ETag = currentEtag;
        return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Changed since it was read",
            detail: $"{what} changed since the version named in If-Match (now {currentEtag}); read it again and decide again.");
    }
}
