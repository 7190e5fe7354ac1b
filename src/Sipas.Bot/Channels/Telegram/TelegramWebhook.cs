using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sipas.Bot.Http;
using Sipas.Bot.Staff;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace Sipas.Bot.Channels.Telegram;

/// <summary>
/// <c>POST /hooks/telegram</c>: the Bot API delivers every update here (§3.1). The secret header is checked before the
/// body is read; a genuine update is stored in the inbox under its update_id (Telegram redelivers until it gets a
/// 2xx, so the id dedupes) and handled at once.
/// </summary>
public static class TelegramWebhook
{
    public const string Path = "/hooks/telegram";
    public const string Name = "telegram";

    /// <summary>An update is a few KiB; Telegram sends nothing near this.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapTelegramWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveAsync).Public("Telegram webhook: the secret token header");
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ReceiveAsync(HttpRequest request, IOptions<TelegramOptions> options, WebhookInbox inbox, CancellationToken ct)
    {
        var header = request.Headers[TelegramSecretToken.HeaderName];
        if (!TelegramSecretToken.Matches(options.Value.WebhookSecret ?? "", header.Count == 1 ? header[0] : null))
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "unauthenticated", $"The {TelegramSecretToken.HeaderName} header is missing or wrong.");
        }

        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (!body.Succeeded)
        {
            return body.Problem;
        }

        var (updateId, problem) = Read(body.Value);
        if (problem is not null)
        {
            await inbox.RejectAsync(Name, problem, body.Value, ct);
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "The body is not a Telegram update.", problem);
        }

        // A failure while handling leaves the stored update to the inbox job; Telegram need not send it again.
        await inbox.StoreAndProcessAsync(Name, updateId.ToString(CultureInfo.InvariantCulture), body.Value, ct);
        return TypedResults.Ok();
    }

    /// <summary>The update's id, or why the body is not an update: not JSON, not an object, no numeric update_id, fields of the wrong type.</summary>
    internal static (long UpdateId, string? Problem) Read(byte[] body)
    {
        try
        {
            using (var document = JsonDocument.Parse(body))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return (0, "The body must be a JSON object.");
                }

                if (!document.RootElement.TryGetProperty("update_id", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out var updateId))
                {
                    return (0, "The update has no numeric update_id.");
                }

                if (JsonSerializer.Deserialize<Update>(body, JsonBotAPI.Options) is null)
                {
                    return (0, "The update is null.");
                }

                return (updateId, null);
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            return (0, $"Not a Telegram update: {ex.Message}");
        }
    }
}
