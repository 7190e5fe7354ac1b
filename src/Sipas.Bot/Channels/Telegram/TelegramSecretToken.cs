using System.Security.Cryptography;
using System.Text;

namespace Sipas.Bot.Channels.Telegram;

/// <summary>
/// The <c>X-Telegram-Bot-Api-Secret-Token</c> check (docs/channels.md §3.1): Telegram echoes the <c>secret_token</c>
/// given to <c>setWebhook</c> in that header on every webhook request; anything else did not come from Telegram.
/// </summary>
public static class TelegramSecretToken
{
    /// <summary>The header Telegram sends the secret in.</summary>
    public const string HeaderName = "X-Telegram-Bot-Api-Secret-Token";

    private const int MaxLength = 256;

    /// <summary>
    /// Whether <paramref name="secret"/> is one <c>setWebhook</c> accepts: 1–256 characters of <c>A-Z a-z 0-9 _ -</c>.
    /// Checked at start-up so a bad secret fails there, not as a Telegram error when the webhook is set.
    /// </summary>
    public static bool IsWellFormed(string secret) =>
        secret is { Length: > 0 and <= MaxLength } && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>
    /// Whether the header carries the configured secret. Both are hashed with SHA-256 first and the digests compared in
    /// constant time, so neither the content nor the length of the secret shows in the timing. An empty configured
    /// secret matches nothing: a missing setting must not accept a missing header.
    /// </summary>
    public static bool Matches(string configured, string? header)
    {
        if (string.IsNullOrEmpty(configured) || header is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(configured)),
            SHA256.HashData(Encoding.UTF8.GetBytes(header)));
    }
}
