using System.Text.Json;

namespace UrbanTwin.Gateway.NgsiLd;

/// <summary>
/// The error types of ETSI GS CIM 009 (clause 5.5.2) with their HTTP statuses (clause 6.3.2); an answer is a problem
/// details body (<c>type</c>, <c>title</c>, <c>detail</c>) in <c>application/json</c>, whatever the request accepted.
/// </summary>
public sealed record NgsiLdError(string Type, int Status, string Title, string Detail)
{
    private const string Base = "https://uri.etsi.org/ngsi-ld/errors/";

    public static NgsiLdError InvalidRequest(string detail) => new(Base + "InvalidRequest", 400, "Invalid request", detail);
    public static NgsiLdError BadRequestData(string detail) => new(Base + "BadRequestData", 400, "Bad request data", detail);
    public static NgsiLdError AlreadyExists(string detail) => new(Base + "AlreadyExists", 409, "Already exists", detail);
    public static NgsiLdError OperationNotSupported(string detail) => new(Base + "OperationNotSupported", 422, "Operation not supported", detail);
    public static NgsiLdError ResourceNotFound(string detail) => new(Base + "ResourceNotFound", 404, "Resource not found", detail);
    public static NgsiLdError TooManyResults(string detail) => new(Base + "TooManyResults", 403, "Too many results", detail);
    public static NgsiLdError LdContextNotAvailable(string detail) => new(Base + "LdContextNotAvailable", 503, "@context not available", detail);

    /// <summary>An Accept the API cannot answer (HTTP's own 406: the specification names no error type for it).</summary>
    public static NgsiLdError NotAcceptable(string detail) => new("about:blank", 406, "Not acceptable", detail);

    /// <summary>A body in a media type the API does not take (HTTP's own 415).</summary>
    public static NgsiLdError UnsupportedMediaType(string detail) => new("about:blank", 415, "Unsupported media type", detail);

    /// <summary>A write outside the caller's key's scope (HTTP's own 403: the specification names no error type for it).</summary>
    public static NgsiLdError Forbidden(string detail) => new("about:blank", 403, "Forbidden", detail);

    /// <summary>The cluster or its storage did not confirm the write: retry it (HTTP's own 503).</summary>
    public static NgsiLdError Unavailable(string detail) => new("about:blank", 503, "Service unavailable", detail);

    /// <summary>A body over the size limit (HTTP's own 413).</summary>
    public static NgsiLdError PayloadTooLarge(string detail) => new("about:blank", 413, "Payload too large", detail);

    public IResult ToResult() => Results.Json(new { type = Type, title = Title, status = Status, detail = Detail }, JsonOptions,
        contentType: "application/json", statusCode: Status);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>Thrown where an NGSI-LD request cannot go on; the endpoint filter answers it as the error it carries.</summary>
public sealed class NgsiLdException(NgsiLdError error) : Exception(error.Detail)
{
    public NgsiLdError Error { get; } = error;
}
