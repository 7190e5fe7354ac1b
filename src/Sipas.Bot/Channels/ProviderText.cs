using Sipas.Bot.Channels.Sms;

namespace Sipas.Bot.Channels;

/// <summary>
/// Fits a message's text to what its provider sends: without diacritics where it cannot send Unicode (GSM-7 keeps
/// an SMS at 160 characters a segment: channels.md §5), and no longer than it takes. The stored message is this text,
/// so what a record shows is what the citizen got.
/// </summary>
public static class ProviderText
{
    public static string For(ChannelCapabilities capabilities, string text)
    {
        var fitted = capabilities.Unicode ? text : SmsText.RemoveDiacritics(text);
        return fitted.Length <= capabilities.MaxLength ? fitted : fitted[..(capabilities.MaxLength - 1)] + "…";
    }
}
