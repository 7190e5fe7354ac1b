using Sipas.Bot.Http;
using Sipas.Bot.Staff;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.OneStop;

public static class OneStopEndpoints
{
    public const int MaxBodyBytes = 64 * 1024;

    public static IServiceCollection AddOneStopEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OneStopOptions>().Bind(configuration.GetSection(OneStopOptions.Section));
        services.AddSingleton<OneStopSignature>();
        services.AddSingleton<OneStopReferences>();
        services.AddSingleton<EventGroupWriter>();
        services.AddScoped<RecordResultReturned>();
        return services;
    }

    public static IEndpointRouteBuilder MapOneStopEvents(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/one-stop/events", ReceiveAsync).WithName("ReceiveOneStopEvent").DescribeOneStopEvent().CountEventsReceived().Public("signed by the one-stop system (HMAC, X-Sipas-Signature)");
        return app;
    }

    /// <summary>Checks run cheapest first, and nothing is stored until the event is authentic and valid.</summary>
    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, OneStopSignature signature, RecordResultReturned recorder, SendWindow window, TimeProvider time, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync(request, MaxBodyBytes, ct);
        if (!body.Succeeded)
        {
            return body.Problem;
        }

        var source = request.Headers[OneStopSignature.SourceHeader].ToString();
        if (!signature.Authenticate(
            source, request.Headers[OneStopSignature.TimestampHeader].ToString(), request.Headers[OneStopSignature.SignatureHeader].ToString(), body.Value))
        {
            return OneStopSignature.Unauthenticated();
        }

        var parsed = RequestBody.ParseObject(body.Value);
        if (!parsed.Succeeded)
        {
            return parsed.Problem;
        }

        using var document = parsed.Value;
        var ev = ResultReturnedEvent.Parse(document.RootElement, time.GetUtcNow(), out var errors);
        if (ev is null)
        {
            return Problems.Invalid(errors);
        }

        return await recorder.RecordAsync(source, ev, body.Value, ct) switch
        {
            RecordOutcome.Accepted accepted => TypedResults.Json(Answer(accepted.Invitation, window), statusCode: StatusCodes.Status202Accepted),
            RecordOutcome.Repeated repeated => TypedResults.Json(Answer(repeated.Invitation, window), statusCode: StatusCodes.Status200OK),
            _ => Problems.Of(StatusCodes.Status409Conflict, "event-id-reused", "This eventId was already received with a different body."),
        };
    }

    private static EventAnswer Answer(Summary invitation, SendWindow window) => new(
        invitation.InvitationId,
        Names.Of(invitation.State),
        invitation.State == InvitationState.Scheduled ? TimeZoneInfo.ConvertTime(invitation.DueAt, window.Zone) : null,
        invitation.SkipReason is { } reason ? Names.Of(reason) : null);

    public sealed record EventAnswer(Guid InvitationId, string Status, DateTimeOffset? ScheduledFor, string? Reason);
}
