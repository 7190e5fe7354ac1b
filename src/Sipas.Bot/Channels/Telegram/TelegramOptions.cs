using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Sipas.Bot.Channels.Telegram;

/// <summary>
/// The `Channels:Telegram` section (docs/channels.md §3). The bot token and webhook secret come from configuration or
/// the environment, never the repository. The provider is enabled only when token, username and secret are all set.
/// </summary>
public sealed partial class TelegramOptions : IValidatableObject
{
    public const string Section = "Channels:Telegram";

    /// <summary>The token @BotFather gave the bot, <c>123456789:AA…</c>.</summary>
    public string? BotToken { get; set; }

    /// <summary>The bot's username without '@', for the deep link <c>https://t.me/{BotUsername}?start={code}</c> (SurveyLinks reads the same key).</summary>
    public string? BotUsername { get; set; }

    /// <summary>The <c>secret_token</c> given to setWebhook and checked on every webhook request: 1–256 of <c>A-Z a-z 0-9 _ -</c>.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The Bot API's address; tests point it at a loopback fake.</summary>
    [Required]
    [Url]
    public string BaseUrl { get; set; } = "https://api.telegram.org";

    /// <summary>Call setWebhook at start (web processes, when Sipas:PublicBaseUrl is https). Off when the webhook is managed by hand.</summary>
    public bool RegisterWebhook { get; set; } = true;

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(BotToken) && !string.IsNullOrWhiteSpace(BotUsername) && !string.IsNullOrWhiteSpace(WebhookSecret);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(BotToken) && !TokenShape().IsMatch(BotToken))
        {
            yield return new ValidationResult("Channels:Telegram:BotToken must look like 123456789:AAH… (the bot id, a colon, the secret part).", [nameof(BotToken)]);
        }

        if (!string.IsNullOrEmpty(BotUsername) && !UsernameShape().IsMatch(BotUsername.TrimStart('@')))
        {
            yield return new ValidationResult("Channels:Telegram:BotUsername must be the bot's username (5–32 of A-Z a-z 0-9 _), e.g. sipas_bot.", [nameof(BotUsername)]);
        }

        if (!string.IsNullOrEmpty(WebhookSecret) && !TelegramSecretToken.IsWellFormed(WebhookSecret))
        {
            yield return new ValidationResult("Channels:Telegram:WebhookSecret must be 1–256 characters of A-Z a-z 0-9 _ - (Telegram's rule for secret_token).", [nameof(WebhookSecret)]);
        }
    }

    [GeneratedRegex(@"^[0-9]+:[A-Za-z0-9_-]+$")]
    private static partial Regex TokenShape();

    [GeneratedRegex("^[A-Za-z0-9_]{5,32}$")]
    private static partial Regex UsernameShape();
}
