using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sipas.Bot.Conversations;
using Sipas.Bot.Http;
using Sipas.Bot.Staff;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>
/// <c>POST /hooks/zalo</c>: the one webhook URL of the Zalo app, for OA and ZNS events alike (docs/channels.md §2.6).
/// Zalo wants a 200 within about 2 s and retries otherwise, so the event is checked, stored and answered first, and
/// handled after the answer has left; the inbox's recurring job handles whatever that misses.
/// </summary>
public static class ZaloWebhook
{
    public const string Name = "zalo";
    public const string Path = "/hooks/zalo";
    public const string SignatureHeader = "X-ZEvent-Signature";
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapZaloWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveAsync).ExcludeFromDescription().Public("Zalo OA webhook: the X-ZEvent-Signature check");
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ReceiveAsync(
        HttpContext context, IOptions<ZaloOptions> options, WebhookInbox inbox, IServiceScopeFactory scopes, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(ZaloWebhook).FullName!);
        var body = await RequestBody.ReadAsync(context.Request, MaxBodyBytes, ct);
        if (!body.Succeeded)
        {
            return body.Problem;
        }

        var settings = options.Value;
        var ids = settings.WebhookIds;
        var match = ZaloSignature.Verify(body.Value, context.Request.Headers[SignatureHeader].ToString(), ids, settings.WebhookSecrets);
        if (match is null)
        {
            return Problems.Of(
                StatusCodes.Status401Unauthorized, "unauthenticated", "The Zalo event is not authenticated.", $"{SignatureHeader} does not match the body with the OA secret key.");
        }

        logger.LogDebug("Zalo webhook signature matched with {Id} and secret #{Secret}", match.IdIndex == 0 ? "the first id (app id)" : "the OA id", match.SecretIndex);
        if (ZaloEvent.Parse(body.Value, out var error) is not { } ev)
        {
            await inbox.RejectAsync(Name, error, body.Value, ct);
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "The Zalo event cannot be read.", error);
        }

        if (await inbox.StoreAsync(Name, ev.EventId, body.Value, ct) is { } stored)
        {
            context.Response.OnCompleted(() => ProcessAsync(scopes, stored, logger));
        }

        return TypedResults.Ok();
    }

    private static async Task ProcessAsync(IServiceScopeFactory scopes, Guid eventId, ILogger logger)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<WebhookInbox>().ProcessAsync(eventId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Stored before the answer: the inbox job picks it up again.
            logger.LogWarning(ex, "Handling Zalo event {EventId} after the answer failed; the inbox will try again", eventId);
        }
    }
}

/// <summary>What each stored Zalo event does: an OA text is a chat message, a rating a response, a receipt a delivery.</summary>
public sealed class ZaloWebhookHandler(ChannelRouter router, ILogger<ZaloWebhookHandler> logger) : IWebhookHandler
{
    public string Webhook => ZaloWebhook.Name;

    public async Task HandleAsync(byte[] body, IServiceProvider services, CancellationToken cancellationToken)
    {
        var ev = ZaloEvent.Parse(body, out var error) ?? throw new InvalidOperationException($"A stored Zalo event cannot be read: {error}");
        switch (ev.Name)
        {
            case ZaloEvent.UserSendText:
                if (router.Get(ZaloOaChannel.ProviderName) is not { IsEnabled: true } oa)
                {
                    logger.LogInformation("A Zalo OA message arrived but the zalo-oa provider is not configured; not answered");
                    return;
                }

                // A text that is an invitation code binds this OA user to the citizen and opens the chat here.
                await services.GetRequiredService<AdvanceConversation>()
                    .HandleAsync(new IncomingMessage(oa, ev.SenderId!, ev.MsgId!, ev.Text!), cancellationToken);
                return;

            case ZaloEvent.UserFeedback:
                await services.GetRequiredService<ZaloRatingRecorder>().RecordAsync(ev.Rating!, cancellationToken);
                return;

            case ZaloEvent.UserReceivedMessage:
                // A ZNS receipt carries delivery_time; an OA message's receipt does not (its time is the event's).
                var provider = ev.DeliveredAt is null ? ZaloOaChannel.ProviderName : ZaloZnsChannel.ProviderName;
                var at = ev.DeliveredAt ?? (long.TryParse(ev.Timestamp, out var ms) && ms > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
                await services.GetRequiredService<MessageReceipts>().RecordAsync(provider, ev.MsgId!, ReceiptStatus.Delivered, at, null, cancellationToken);
                return;

            default:
                // follow, unfollow, user_seen_message, template status changes…: kept in the inbox, nothing to do.
                logger.LogDebug("Zalo event {Event} stored; nothing to do", ev.Name);
                return;
        }
    }
}
