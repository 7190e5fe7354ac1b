using System.ComponentModel.DataAnnotations;

namespace Sipas.Bot.Channels.Twilio;

/// <summary>The `Channels:Twilio` section (docs/channels.md §1). Secrets come from configuration or the environment, never the repository.</summary>
public sealed class TwilioOptions
{
    public const string Section = "Channels:Twilio";

    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>The sender: a registered alphanumeric sender id for Vietnam, or a number. Either this or <see cref="MessagingServiceSid"/>.</summary>
    public string? From { get; set; }

    public string? MessagingServiceSid { get; set; }

    [Required]
    [Url]
    public string BaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>How long Twilio may queue a message before giving up on it (1–36,000 s): an invitation hours late is worse than none.</summary>
    [Range(1, 36000)]
    public int? ValidityPeriodSeconds { get; set; } = 4 * 3600;

    /// <summary>Send Vietnamese with its diacritics (UCS-2, 70 characters a segment) instead of without (GSM-7, 160).</summary>
    public bool Unicode { get; set; }

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken)
        && (!string.IsNullOrWhiteSpace(From) || !string.IsNullOrWhiteSpace(MessagingServiceSid));
}
