using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Sipas.Bot.Http;

/// <summary>RFC 9457 problem+json answers, each with a stable type so clients can branch on it.</summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string type, string title, string? detail = null) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Type = $"urn:sipas:problem:{type}", Title = title, Detail = detail });

    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors, int status = StatusCodes.Status422UnprocessableEntity) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = status,
            Type = "urn:sipas:problem:validation",
            Title = "The request has invalid fields.",
        });

    public static ProblemHttpResult Invalid(string field, string message, int status = StatusCodes.Status422UnprocessableEntity) =>
        Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] }, status);

    /// <summary>
    /// What the server (Kestrel) refused while reading the request: a malformed chunked body, a body arriving too
    /// slowly, one over the size limit. The exception's message is not echoed: the answer only needs the status.
    /// </summary>
    public static ProblemHttpResult Of(BadHttpRequestException exception) => exception.StatusCode switch
    {
        StatusCodes.Status408RequestTimeout => Of(exception.StatusCode, "request-timeout", "The request body arrived too slowly."),
        StatusCodes.Status413PayloadTooLarge => Of(exception.StatusCode, "body-too-large", "The request body is too large."),
        StatusCodes.Status431RequestHeaderFieldsTooLarge => Of(exception.StatusCode, "headers-too-large", "The request headers are too large."),
        >= 400 and < 500 => Of(exception.StatusCode, "malformed-request", "The request is malformed."),
        _ => Of(StatusCodes.Status400BadRequest, "malformed-request", "The request is malformed."),
    };
}
