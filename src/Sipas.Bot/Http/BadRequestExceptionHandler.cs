using Microsoft.AspNetCore.Diagnostics;

namespace Sipas.Bot.Http;

/// <summary>
/// Answers Kestrel's and the framework's <see cref="BadHttpRequestException"/> (a malformed chunked body, a body
/// arriving too slowly, an unreadable parameter) with its own 4xx status as problem+json, wherever it is thrown,
/// instead of the 500 an unhandled exception gets. Handled here, it is the client's mistake and not logged as an error.
/// </summary>
public sealed class BadRequestExceptionHandler(ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        logger.LogDebug("Bad request to {Path} answered with {Status}: {Reason}", httpContext.Request.Path, bad.StatusCode, bad.Message);
        await Problems.Of(bad).ExecuteAsync(httpContext);
        return true;
    }
}
