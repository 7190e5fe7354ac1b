using Microsoft.EntityFrameworkCore;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Channels;

/// <summary>What a provider's receipt says became of a message it accepted.</summary>
public enum ReceiptStatus
{
    /// <summary>On its way (Twilio <c>sent</c>, eSMS "sent, waiting for the report"): changes nothing we record.</summary>
    InTransit,
    Delivered,
    Undelivered,
}

/// <summary>
/// Applies delivery receipts (Twilio status callbacks, eSMS and Zalo delivery events) to the messages they are about.
/// Receipts arrive late, twice and out of order, so a state only moves forward: Delivered and Undelivered are final,
/// and a receipt never turns one into the other. A delivered invitation moves the invitation's funnel to Delivered.
/// </summary>
public sealed class MessageReceipts(SipasDbContext db, TimeProvider time, ILogger<MessageReceipts> logger)
{
    private static readonly OutboundState[] Open = [OutboundState.Sending, OutboundState.Accepted, OutboundState.Unknown];

    /// <summary>
    /// Records the receipt; false when it changed nothing (a repeat, or the message already final). Throws when no
    /// message carries <paramref name="providerMessageId"/> yet: the receipt may have overtaken the record of the send,
    /// and the webhook inbox tries it again later.
    /// </summary>
    public async Task<bool> RecordAsync(string provider, string providerMessageId, ReceiptStatus status, DateTimeOffset? at, string? error, CancellationToken ct)
    {
        var message = await db.OutboundMessages.AsNoTracking()
            .Where(m => m.Provider == provider && m.ProviderMessageId == providerMessageId)
            .Select(m => new { m.Id, m.State, m.InvitationId, m.Purpose })
            .FirstOrDefaultAsync(ct)
            ?? throw new InvalidOperationException($"No {provider} message {providerMessageId} is recorded yet.");
        if (status == ReceiptStatus.InTransit)
        {
            return false;
        }

        var when = at ?? time.GetUtcNow();
        var state = status == ReceiptStatus.Delivered ? OutboundState.Delivered : OutboundState.Undelivered;
        var moved = await db.OutboundMessages.Where(m => m.Id == message.Id && Open.Contains(m.State)).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.State, state)
                .SetProperty(m => m.DeliveredAt, m => state == OutboundState.Delivered ? when : m.DeliveredAt)
                .SetProperty(m => m.Error, m => state == OutboundState.Undelivered ? error ?? "Not delivered." : m.Error),
            ct);
        if (moved == 0 || message.Purpose != MessagePurpose.Invitation || message.InvitationId is not { } invitationId)
        {
            return moved > 0;
        }

        var invitation = db.Invitations.Where(i => i.Id == invitationId);
        if (state == OutboundState.Delivered)
        {
            await invitation.Where(i => i.State == InvitationState.Sent)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, InvitationState.Delivered).SetProperty(i => i.UpdatedAt, time.GetUtcNow()), ct);
            await invitation.Where(i => i.DeliveredAt == null).ExecuteUpdateAsync(s => s.SetProperty(i => i.DeliveredAt, when), ct);
        }
        else
        {
            logger.LogInformation("The invitation message {MessageId} on {Provider} was not delivered: {Error}", message.Id, provider, error);
            await invitation.ExecuteUpdateAsync(s => s.SetProperty(i => i.LastError, $"{provider}: {error ?? "not delivered"}"), ct);
        }

        return true;
    }
}
