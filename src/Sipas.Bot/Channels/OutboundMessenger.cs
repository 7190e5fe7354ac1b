using Microsoft.EntityFrameworkCore;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Data.Privacy;
using Sipas.Scheduler.Messages;

namespace Sipas.Bot.Channels;

/// <summary>
/// Sends stored outbound messages. The row is written first (unique idempotency key), then handed to the channel,
/// then marked with the provider's answer; a message already accepted is never handed over again.
/// </summary>
public sealed class OutboundMessenger(SipasDbContext db, ChannelRouter router, PersonalDataProtector personalData, TimeProvider time, ILogger<OutboundMessenger> logger)
    : IPendingMessageDelivery
{
    public OutboundMessage Compose(ChannelKind channel, string recipient, MessagePurpose purpose, string body, string idempotencyKey, Guid? invitationId, Guid? conversationId) => new()
    {
        Id = Guid.CreateVersion7(),
        IdempotencyKey = idempotencyKey,
        InvitationId = invitationId,
        ConversationId = conversationId,
        Channel = channel,
        Purpose = purpose,
        RecipientHash = personalData.Hash(recipient),
        RecipientEncrypted = personalData.Encrypt(recipient),
        Body = body,
        State = OutboundState.Pending,
        CreatedAt = time.GetUtcNow(),
    };

    /// <summary>Stores the message unless one with its key exists, then delivers whichever is stored.</summary>
    public async Task<ChannelSendResult> StoreAndDeliverAsync(OutboundMessage message, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO outbound_messages (id, idempotency_key, invitation_id, conversation_id, channel, purpose, recipient_hash, recipient_encrypted, body, state, created_at)
            VALUES ({message.Id}, {message.IdempotencyKey}, {message.InvitationId}, {message.ConversationId}, {message.Channel.ToString()}, {message.Purpose.ToString()},
                    {message.RecipientHash}, {message.RecipientEncrypted}, {message.Body}, {message.State.ToString()}, {message.CreatedAt})
            ON CONFLICT (idempotency_key) DO NOTHING
            """,
            ct);
        var stored = await db.OutboundMessages.SingleAsync(m => m.IdempotencyKey == message.IdempotencyKey, ct);
        return await DeliverAsync(stored, ct);
    }

    public async Task<bool> DeliverAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var message = await db.OutboundMessages.SingleAsync(m => m.Id == messageId, cancellationToken);
        return await DeliverAsync(message, cancellationToken) is ChannelSendResult.Accepted;
    }

    /// <summary>Hands a stored (tracked) message to its channel unless that already happened, and records the answer.</summary>
    public async Task<ChannelSendResult> DeliverAsync(OutboundMessage message, CancellationToken ct)
    {
        if (message.State is OutboundState.Accepted or OutboundState.Delivered)
        {
            return new ChannelSendResult.Accepted(message.ProviderMessageId ?? string.Empty, message.State == OutboundState.Delivered);
        }

        var recipient = personalData.Decrypt(message.RecipientEncrypted);
        var result = await router.Get(message.Channel).SendAsync(new ChannelMessage(message.Id, recipient, message.Body), ct);
        var now = time.GetUtcNow();
        switch (result)
        {
            case ChannelSendResult.Accepted accepted:
                message.State = accepted.Delivered ? OutboundState.Delivered : OutboundState.Accepted;
                message.ProviderMessageId = accepted.ProviderMessageId;
                message.SentAt = now;
                message.DeliveredAt = accepted.Delivered ? now : null;
                message.Error = null;
                break;
            case ChannelSendResult.Failed failed:
                logger.LogWarning("Message {MessageId} on {Channel} failed: {Error}", message.Id, message.Channel, failed.Error);
                message.State = failed.Retryable ? OutboundState.Pending : OutboundState.Failed;
                message.Error = failed.Error.Length <= 1000 ? failed.Error : failed.Error[..1000];
                break;
        }

        await db.SaveChangesAsync(ct);
        return result;
    }
}
