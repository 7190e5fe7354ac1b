using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Sipas.Data.Model;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.ReplyMarkups;

namespace Sipas.Bot.Channels.Telegram;

/// <summary>
/// A Telegram bot through the Bot API (docs/channels.md §3) on Telegram.Bot 22.x: the chat survey with its answers as
/// inline buttons, to a chat the citizen opened from the deep link in an invitation. The Bot API takes no
/// idempotency key, so a call whose answer was lost is never repeated (<see cref="ResendIsSafe"/> is false).
/// </summary>
public sealed class TelegramChannel(IHttpClientFactory httpClients, IOptions<TelegramOptions> options, TimeProvider time, ILogger<TelegramChannel> logger) : IChannelProvider
{
    public const string ProviderName = "telegram";
    public const string HttpClientName = "telegram";

    /// <summary>Telegram refuses callback_data longer than this many UTF-8 bytes (§3.3).</summary>
    public const int MaxCallbackDataBytes = 64;

    public string Name => ProviderName;

    public ChannelKind Channel => ChannelKind.Telegram;

    /// <summary>A chat with buttons; it reaches only chats bound to a contact through /start (a bot cannot write first).</summary>
    public ChannelCapabilities Capabilities { get; } = new(TwoWay: true, Buttons: true, Links: true, MaxLength: 4096, Unicode: true, TemplateOnly: false, Addressing.BoundAddress);

    public bool IsEnabled => options.Value.IsConfigured;

    public bool ResendIsSafe => false;

    /// <summary>
    /// A client on the named HttpClient (no timeout of its own: the messenger bounds each call). Telegram.Bot's own
    /// 429 retry is switched off so that a retry_after goes back to the messenger, which owns when to try again.
    /// </summary>
    public ITelegramBotClient Client()
    {
        var settings = options.Value;
        var clientOptions = new TelegramBotClientOptions(settings.BotToken!, settings.BaseUrl.TrimEnd('/')) { RetryThreshold = 0, RetryCount = 0 };
        return new TelegramBotClient(clientOptions, httpClients.CreateClient(HttpClientName));
    }

    public async Task<ChannelSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (!long.TryParse(message.Address, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chatId))
        {
            return new ChannelSendResult.Failed($"'{message.Address}' is not a Telegram chat id.", FailureKind.Recipient);
        }

        try
        {
            var sent = await Client().SendMessage(chatId, message.Text, replyMarkup: Keyboard(message.Choices), cancellationToken: cancellationToken);
            // The Bot API answers with the message as it now stands in the chat; there are no later delivery receipts.
            return new ChannelSendResult.Accepted($"{sent.Chat.Id.ToString(CultureInfo.InvariantCulture)}:{sent.Id.ToString(CultureInfo.InvariantCulture)}", Delivered: true);
        }
        catch (RequestException ex)
        {
            return Classify(ex);
        }
    }

    /// <summary>
    /// The choices as inline buttons: the numbered answers (payloads 1–5) on the first row, the others (Không áp
    /// dụng, Bỏ qua) on the next. A payload longer than Telegram's 64 bytes is left out rather than sent to be refused.
    /// </summary>
    public InlineKeyboardMarkup? Keyboard(IReadOnlyList<MessageChoice> choices)
    {
        var usable = choices.Where(choice =>
        {
            var fits = Encoding.UTF8.GetByteCount(choice.Payload) is > 0 and <= MaxCallbackDataBytes;
            if (!fits)
            {
                logger.LogWarning("A choice's payload does not fit Telegram's callback_data ({Bytes} bytes); the button is left out", Encoding.UTF8.GetByteCount(choice.Payload));
            }

            return fits;
        }).ToList();
        if (usable.Count == 0)
        {
            return null;
        }

        static bool Numbered(MessageChoice choice) => choice.Payload is ['1' or '2' or '3' or '4' or '5'];
        var rows = new List<InlineKeyboardButton[]>();
        if (usable.Where(Numbered).ToArray() is { Length: > 0 } numbered)
        {
            rows.Add([.. numbered.Select(Button)]);
        }

        rows.AddRange(usable.Where(choice => !Numbered(choice)).Chunk(3).Select(chunk => chunk.Select(Button).ToArray()));
        return new InlineKeyboardMarkup(rows);

        static InlineKeyboardButton Button(MessageChoice choice) => InlineKeyboardButton.WithCallbackData(choice.Label, choice.Payload);
    }

    /// <summary>What a Bot API failure means for the message (§3.5, Bot API error descriptions).</summary>
    private ChannelSendResult Classify(RequestException exception)
    {
        if (exception is ApiRequestException api)
        {
            var error = $"Telegram {api.ErrorCode}: {api.Message}";
            switch (api.ErrorCode)
            {
                case 403:
                    // "bot was blocked by the user", "user is deactivated": this citizen closed the chat to us.
                    return new ChannelSendResult.Failed(error, FailureKind.OptedOut);
                case 400 when Mentions(api, "chat not found") || Mentions(api, "user not found") || Mentions(api, "PEER_ID_INVALID"):
                    return new ChannelSendResult.Failed(error, FailureKind.Recipient);
                case 400:
                    // Something in this message Telegram will never take (text, buttons): another channel may carry it.
                    logger.LogError("Telegram refused a message as malformed: {Error}", error);
                    return new ChannelSendResult.Failed(error, FailureKind.Recipient);
                case 401 or 404:
                    // A revoked or mistyped token: every chat fails alike until an operator fixes it.
                    logger.LogError("Telegram refused the bot token: {Error}", error);
                    return new ChannelSendResult.Failed(error, FailureKind.Configuration);
                case 429:
                    var retryAt = api.Parameters?.RetryAfter is { } seconds and > 0 ? time.GetUtcNow().AddSeconds(seconds) : (DateTimeOffset?)null;
                    return new ChannelSendResult.Failed(error, FailureKind.Transient, retryAt);
                default:
                    return new ChannelSendResult.Failed(error, FailureKind.Transient);
            }
        }

        if (exception.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } unreachable)
        {
            // Nothing reached Telegram: safe to try again.
            return new ChannelSendResult.Failed($"Telegram unreachable: {unreachable.Message}", FailureKind.Transient);
        }

        if (exception.InnerException is HttpRequestException or TaskCanceledException || exception.HttpStatusCode is HttpStatusCode.OK)
        {
            // The request left and its answer was lost or unreadable: the message may be in the chat.
            return new ChannelSendResult.Ambiguous($"Connection to Telegram lost mid-request: {exception.InnerException?.Message ?? exception.Message}");
        }

        if (exception.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound)
        {
            // Not the Bot API's JSON at all: most likely Channels:Telegram:BaseUrl points somewhere else.
            logger.LogError("Telegram's address answered {Status} without the Bot API's envelope: {Error}", (int)exception.HttpStatusCode, exception.Message);
            return new ChannelSendResult.Failed($"Telegram {(int)exception.HttpStatusCode}: {exception.Message}", FailureKind.Configuration);
        }

        var status = exception.HttpStatusCode is { } code ? $" {(int)code}" : "";
        return new ChannelSendResult.Failed($"Telegram{status}: {exception.Message}", FailureKind.Transient);
    }

    private static bool Mentions(ApiRequestException exception, string text) => exception.Message.Contains(text, StringComparison.OrdinalIgnoreCase);
}
