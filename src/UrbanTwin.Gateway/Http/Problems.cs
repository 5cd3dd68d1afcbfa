using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using UrbanTwin.Contracts.Topology;

namespace UrbanTwin.Gateway.Http;

/// <summary>RFC 9457 problem details for the errors the API answers, each naming what was wrong.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"Unknown {what}", detail: $"There is no {what} '{id}'.");

    /// <summary>403: the caller's key is confined to a scope that does not include <paramref name="what"/>.</summary>
    public static ProblemHttpResult OutOfScope(Security.Caller caller, string what)
    {
        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Outside the key's scope",
            detail: $"Key '{caller.Name}' is scoped to {caller.DescribeScope()}; {what} is outside it.");
    }

    /// <summary>
    /// 422: a batch was read but every item was refused, so nothing changed. The per-item answers are in
    /// <c>rejected</c>, as in a 207, so a client handles both the same way.
    /// </summary>
    public static ProblemHttpResult NoneAccepted<T>(int items, string firstItem, string firstReason, string firstDetail, T[] rejected) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "No item accepted",
            detail: $"None of the {items} items was accepted; {firstItem}: {firstReason}: {firstDetail}",
            extensions: new Dictionary<string, object?> { ["accepted"] = 0, ["rejected"] = rejected });

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large", detail: detail);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Invalid request",
            detail: $"{field}: {message}");

    public static ValidationProblem Invalid(IEnumerable<FieldError> errors)
    {
        var grouped = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        var first = grouped.First();
        return TypedResults.ValidationProblem(grouped, title: "Invalid request", detail: $"{first.Key}: {first.Value[0]}");
    }

    /// <summary>A body that is not the JSON expected: the path of the failure is the field to name.</summary>
    public static ValidationProblem Malformed(JsonException exception)
    {
        var field = string.IsNullOrEmpty(exception.Path) ? "body" : exception.Path;
        var position = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : "";
        return Invalid(field, "malformed JSON or wrong type" + position);
    }
}
