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
}
