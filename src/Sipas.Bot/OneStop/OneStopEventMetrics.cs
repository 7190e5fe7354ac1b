using Sipas.Data.Diagnostics;

namespace Sipas.Bot.OneStop;

/// <summary>Counts every answer of the one-stop endpoint by its status code, whichever check produced it.</summary>
public static class OneStopEventMetrics
{
    public static RouteHandlerBuilder CountEventsReceived(this RouteHandlerBuilder endpoint) => endpoint.AddEndpointFilter<AnswerCounter>();

    private sealed class AnswerCounter(SipasMetrics metrics) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            object? result;
            try
            {
                result = await next(context);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                metrics.OneStopEventAnswered(StatusCodes.Status500InternalServerError);
                throw;
            }

            metrics.OneStopEventAnswered(result is IStatusCodeHttpResult { StatusCode: { } status } ? status : context.HttpContext.Response.StatusCode);
            return result;
        }
    }
}
