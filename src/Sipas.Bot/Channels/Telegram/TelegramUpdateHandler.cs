using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sipas.Bot.Conversations;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Sipas.Bot.Channels.Telegram;

/// <summary>
/// Handles a stored update: <c>/start CODE</c> from a deep link binds the chat to the invitation's citizen, a text is
/// an answer, a pressed button is answered (answerCallbackQuery, always) and its keyboard taken away. Everything goes
/// through <see cref="AdvanceConversation"/> under <c>update:{update_id}</c>, so a handled update is never answered
/// twice. Other kinds of update, and chats that are not private, are ignored.
/// </summary>
public sealed partial class TelegramUpdateHandler(TelegramChannel telegram, ILogger<TelegramUpdateHandler> logger) : IWebhookHandler
{
    /// <summary>Shown under a question once its button was pressed.</summary>
    public const string ChosenPrefix = "✔ Ông/Bà đã chọn: ";

    public string Webhook => TelegramWebhook.Name;

    public async Task HandleAsync(byte[] body, IServiceProvider services, CancellationToken cancellationToken)
    {
        var update = JsonSerializer.Deserialize<Update>(body, JsonBotAPI.Options) ?? throw new InvalidOperationException("The stored update is null.");
        var providerMessageId = "update:" + update.Id.ToString(CultureInfo.InvariantCulture);
        var conversation = services.GetRequiredService<AdvanceConversation>();
        if (update.Message is { Chat.Type: ChatType.Private, Text: { } text } message && message.From is not { IsBot: true })
        {
            var address = message.Chat.Id.ToString(CultureInfo.InvariantCulture);
            await conversation.HandleAsync(new IncomingMessage(telegram, address, providerMessageId, text, LinkCode: StartCode(text)), cancellationToken);
            return;
        }

        if (update.CallbackQuery is { } query)
        {
            await PressedAsync(update, query, providerMessageId, conversation, cancellationToken);
            return;
        }

        logger.LogInformation("Telegram update {UpdateId} of kind {Kind} ignored", update.Id, update.Type);
    }

    private async Task PressedAsync(Update update, CallbackQuery query, string providerMessageId, AdvanceConversation conversation, CancellationToken ct)
    {
        var client = telegram.Client();
        try
        {
            // Until this is called the citizen's app shows a spinner on the button (§3.3), whatever happens next.
            await client.AnswerCallbackQuery(query.Id, cancellationToken: ct);
        }
        catch (RequestException ex)
        {
            logger.LogWarning("answerCallbackQuery for update {UpdateId} failed: {Error}", update.Id, ex.Message);
        }

        if (query is not { Data: { Length: > 0 } data, Message: { Chat.Type: ChatType.Private } message })
        {
            logger.LogInformation("Telegram callback query in update {UpdateId} has no data or no private message; ignored", update.Id);
            return;
        }

        // Telegram only says which data was pressed; the label comes from the message's own keyboard when it is there.
        var label = message.ReplyMarkup?.InlineKeyboard.SelectMany(row => row).FirstOrDefault(button => button.CallbackData == data)?.Text;
        await ShowChoiceAsync(client, message, label ?? data, ct);
        var address = message.Chat.Id.ToString(CultureInfo.InvariantCulture);
        await conversation.HandleAsync(new IncomingMessage(telegram, address, providerMessageId, label ?? data, Payload: data), ct);
    }

    /// <summary>
    /// Takes the keyboard off the question, so an old question's buttons cannot be pressed again, and says what was
    /// chosen. editMessageText without a reply_markup drops the keyboard in the same call.
    /// </summary>
    private async Task ShowChoiceAsync(ITelegramBotClient client, Message message, string choice, CancellationToken ct)
    {
        try
        {
            var edited = message.Text is { Length: > 0 } text ? $"{text}\n\n{ChosenPrefix}{choice}" : null;
            if (edited is { Length: <= 4096 })
            {
                await client.EditMessageText(message.Chat.Id, message.Id, edited, cancellationToken: ct);
            }
            else
            {
                await client.EditMessageReplyMarkup(message.Chat.Id, message.Id, replyMarkup: null, cancellationToken: ct);
            }
        }
        catch (RequestException ex)
        {
            // Cosmetic: the answer is recorded all the same ("message is not modified" after a redelivery, too old…).
            logger.LogInformation("Could not take the buttons off Telegram message {MessageId}: {Error}", message.Id, ex.Message);
        }
    }

    /// <summary>The deep link's code in <c>/start CODE</c> (§3.2: up to 64 of A-Z a-z 0-9 _ -), or null.</summary>
    internal static string? StartCode(string text) => StartCommand().Match(text.Trim()) is { Success: true } match && match.Groups["code"].Success ? match.Groups["code"].Value : null;

    [GeneratedRegex(@"^/start(?:@[A-Za-z0-9_]+)?\s+(?<code>[A-Za-z0-9_-]{1,64})$")]
    private static partial Regex StartCommand();
}
