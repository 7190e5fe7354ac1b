using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Sipas.Data;

namespace Sipas.Bot.Channels.Esms;

/// <summary>
/// Applies a stored eSMS delivery callback (docs/channels.md §4.3). SendStatus 5 ("sent, done") with a success is
/// delivered; 4 (refused), or 5 with only failures, is undelivered; anything else (waiting for approval, for sending,
/// for the report) is still on its way. The message is found by SMSID, else by our RequestId when eSMS answered 124
/// and the SMSID never reached us.
/// </summary>
public sealed class EsmsDeliveryHandler : IWebhookHandler
{
    public const string WebhookName = "esms-delivery";

    public string Webhook => WebhookName;

    public async Task HandleAsync(byte[] body, IServiceProvider services, CancellationToken cancellationToken)
    {
        var fields = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        var smsId = EsmsWebhooks.One(fields, "SMSID") ?? throw new InvalidOperationException("The stored delivery callback has no SMSID.");
        var status = EsmsWebhooks.One(fields, "SendStatus") ?? throw new InvalidOperationException("The stored delivery callback has no SendStatus.");
        var (receipt, error) = Map(status, Count(fields, "SendSuccess"), Count(fields, "SendFailed"));

        var id = smsId;
        if (EsmsWebhooks.One(fields, "RequestId") is { Length: > 0 } requestId)
        {
            var db = services.GetRequiredService<SipasDbContext>();
            var bySmsId = await db.OutboundMessages.AnyAsync(m => m.Provider == EsmsSmsChannel.ProviderName && m.ProviderMessageId == smsId, cancellationToken);
            if (!bySmsId)
            {
                var byRequest = EsmsSmsChannel.RequestIdPrefix + requestId;
                if (await db.OutboundMessages.AnyAsync(m => m.Provider == EsmsSmsChannel.ProviderName && m.ProviderMessageId == byRequest, cancellationToken))
                {
                    id = byRequest;
                }
            }
        }

        // Throws when neither is recorded yet (the callback overtook the record of the send): the inbox tries again.
        await services.GetRequiredService<MessageReceipts>().RecordAsync(EsmsSmsChannel.ProviderName, id, receipt, at: null, error, cancellationToken);
    }

    public static (ReceiptStatus Status, string? Error) Map(string sendStatus, int success, int failed) => sendStatus switch
    {
        "5" when success >= 1 => (ReceiptStatus.Delivered, null),
        "5" when failed >= 1 => (ReceiptStatus.Undelivered, "eSMS: the carrier did not deliver it (SendStatus 5, SendFailed " + failed.ToString(CultureInfo.InvariantCulture) + ")."),
        "4" => (ReceiptStatus.Undelivered, "eSMS: refused (SendStatus 4)."),
        _ => (ReceiptStatus.InTransit, null),
    };

    private static int Count(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> fields, string name) =>
        int.TryParse(EsmsWebhooks.One(fields, name), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
