using System.Globalization;

namespace Sipas.Bot.Channels.Twilio;

/// <summary>
/// Applies a stored Twilio status callback (docs/channels.md §1.4) to the message it is about. Callbacks come late,
/// twice and out of order; <see cref="MessageReceipts"/> only moves a message forward, so a <c>sent</c> after
/// <c>delivered</c> changes nothing. A callback for a message whose send is not recorded yet throws, and the inbox
/// tries it again.
/// </summary>
public sealed class TwilioStatusHandler : IWebhookHandler
{
    public const string WebhookName = "twilio-status";

    // Twilio's own wording is not always in the callback (ErrorMessage is optional); these are the usual delivery-time codes.
    private static readonly Dictionary<string, string> KnownErrors = new(StringComparer.Ordinal)
    {
        ["30003"] = "Unreachable destination handset",
        ["30004"] = "Message blocked",
        ["30005"] = "Unknown destination handset",
        ["30006"] = "Landline or unreachable carrier",
        ["30007"] = "Message filtered by the carrier",
        ["30008"] = "Unknown error",
        ["30036"] = "Validity period expired",
    };

    public string Webhook => WebhookName;

    public async Task HandleAsync(byte[] body, IServiceProvider services, CancellationToken cancellationToken)
    {
        var form = TwilioForm.Parse(body) ?? throw new InvalidOperationException("The stored status callback is not a form.");
        var sid = form.Value("MessageSid") ?? throw new InvalidOperationException("The stored status callback has no MessageSid.");
        var status = form.Value("MessageStatus") ?? throw new InvalidOperationException("The stored status callback has no MessageStatus.");
        var (receipt, error) = Map(status, form.Value("ErrorCode"), form.Value("ErrorMessage"));
        var receipts = services.GetRequiredService<MessageReceipts>();
        await receipts.RecordAsync(TwilioSmsChannel.ProviderName, sid, receipt, DoneDate(form.Value("RawDlrDoneDate")), error, cancellationToken);
    }

    /// <summary>Twilio's message status as a receipt; a status we do not know yet (Twilio adds some) changes nothing.</summary>
    public static (ReceiptStatus Status, string? Error) Map(string status, string? errorCode, string? errorMessage) => status switch
    {
        "delivered" or "read" => (ReceiptStatus.Delivered, null),
        "undelivered" or "failed" or "canceled" => (ReceiptStatus.Undelivered, ErrorText(status, errorCode, errorMessage)),
        _ => (ReceiptStatus.InTransit, null),
    };

    /// <summary>The carrier's "done date" (<c>YYMMDDhhmm</c>, no zone given: read as UTC); null when absent or unreadable.</summary>
    public static DateTimeOffset? DoneDate(string? raw) =>
        DateTime.TryParseExact(raw, "yyMMddHHmm", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : null;

    private static string ErrorText(string status, string? code, string? message)
    {
        if (string.IsNullOrEmpty(code))
        {
            return string.IsNullOrEmpty(message) ? $"Twilio: {status}" : message;
        }

        var text = !string.IsNullOrEmpty(message) ? message : KnownErrors.GetValueOrDefault(code, status);
        return $"{code}: {text}";
    }
}
