using System.Buffers;
using System.Text.Unicode;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Sipas.Bot.Http;
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
        app.MapPost("/api/v1/one-stop/events", ReceiveAsync).WithName("ReceiveOneStopEvent");
        return app;
    }

    /// <summary>Checks run cheapest first, and nothing is stored until the event is authentic and valid.</summary>
    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, OneStopSignature signature, RecordResultReturned recorder, SendWindow window, TimeProvider time, CancellationToken ct)
    {
        if (!IsJson(request.ContentType))
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "The body must be application/json (UTF-8).");
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        var body = await ReadLimitedAsync(request.Body, ct);
        if (body is null)
        {
            return TooLarge();
        }

        var source = request.Headers[OneStopSignature.SourceHeader].ToString();
        var refusal = signature.Verify(
            source, request.Headers[OneStopSignature.TimestampHeader].ToString(), request.Headers[OneStopSignature.SignatureHeader].ToString(), body);
        if (refusal is not null)
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "invalid-signature", "The event is not authenticated.", refusal);
        }

        if (!Utf8.IsValid(body))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "The body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "The body is not valid JSON.", ex.Message);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "The body must be a JSON object.");
            }

            var ev = ResultReturnedEvent.Parse(document.RootElement, time.GetUtcNow(), out var errors);
            if (ev is null)
            {
                return Problems.Invalid(errors);
            }

            return await recorder.RecordAsync(source, ev, body, ct) switch
            {
                RecordOutcome.Accepted accepted => TypedResults.Json(Answer(accepted.Invitation, window), statusCode: StatusCodes.Status202Accepted),
                RecordOutcome.Repeated repeated => TypedResults.Json(Answer(repeated.Invitation, window), statusCode: StatusCodes.Status200OK),
                _ => Problems.Of(StatusCodes.Status409Conflict, "event-id-reused", "This eventId was already received with a different body."),
            };
        }
    }

    private static EventAnswer Answer(Summary invitation, SendWindow window) => new(
        invitation.InvitationId,
        Names.Of(invitation.State),
        invitation.State == InvitationState.Scheduled ? TimeZoneInfo.ConvertTime(invitation.DueAt, window.Zone) : null,
        invitation.SkipReason is { } reason ? Names.Of(reason) : null);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (media.Charset.Length == 0 || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static ProblemHttpResult TooLarge() =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "body-too-large", $"The body must be at most {MaxBodyBytes / 1024} KiB.");

    /// <summary>Reads at most the limit; null when the body is longer (the rest is never buffered).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= MaxBodyBytes && (read = await body.ReadAsync(buffer.AsMemory(length, MaxBodyBytes + 1 - length), ct)) > 0)
            {
                length += read;
            }

            return length > MaxBodyBytes ? null : buffer[..length];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public sealed record EventAnswer(Guid InvitationId, string Status, DateTimeOffset? ScheduledFor, string? Reason);
}
