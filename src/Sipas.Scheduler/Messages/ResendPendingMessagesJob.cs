using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Scheduler.Messages;

/// <summary>
/// Chat replies are stored in the conversation's transaction and sent right after it. A reply whose send failed
/// with a retryable error waits for its back-off and is tried again here; one caught mid-call by a crash is resolved
/// here too. Invitation messages are not touched: the invitation dispatcher owns their retries.
/// No lock or transaction is held across provider calls: each delivery claims its own message with a conditional
/// update, and each message's outcome is recorded on its own, so one failure never undoes another message's send.
/// </summary>
public sealed class ResendPendingMessagesJob(SipasDbContext db, IPendingMessageDelivery delivery, TimeProvider time, ILogger<ResendPendingMessagesJob> logger)
{
    public const string RecurringJobId = "resend-pending-messages";

    /// <summary>Younger messages may still be in the hands of the request that stored them.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromSeconds(30);

    private const int BatchSize = 100;

    [JobDisplayName("Gửi lại tin nhắn chưa gửi được")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var storedBefore = now - MinimumAge;
        var due = await db.OutboundMessages.AsNoTracking()
            .Where(m => m.Purpose != MessagePurpose.Invitation && m.CreatedAt < storedBefore
                && ((m.State == OutboundState.Pending && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
                    || (m.State == OutboundState.Sending && m.ClaimedUntil < now)))
            .OrderBy(m => m.CreatedAt)
            .Take(BatchSize)
            .Select(m => new DueMessage(m.Id, m.State, m.Purpose, m.Provider, m.Channel, m.ContactId, m.ConversationId))
            .ToListAsync(cancellationToken);

        var accepted = 0;
        foreach (var message in due)
        {
            try
            {
                if (message.State == OutboundState.Pending && await NoLongerWantedAsync(message, now, cancellationToken) is { } reason)
                {
                    await CancelAsync(message.Id, reason, cancellationToken);
                    continue;
                }

                accepted += await delivery.DeliverAsync(message.Id, message.Provider, cancellationToken) ? 1 : 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Re-sending message {MessageId} failed unexpectedly", message.Id);
            }
        }

        if (due.Count > 0)
        {
            logger.LogInformation("Re-sent {Accepted} of {Due} waiting chat messages", accepted, due.Count);
        }

        return accepted;
    }

    /// <summary>A retry must not reach a citizen who has opted out since, nor ask a question of a survey that has ended.</summary>
    private async Task<string?> NoLongerWantedAsync(DueMessage message, DateTimeOffset now, CancellationToken ct)
    {
        if (message.Purpose != MessagePurpose.OptOutConfirmation && message.ContactId is { } contactId
            && await db.OptOuts.AnyAsync(o => o.ContactId == contactId && o.OptedInAt == null && (o.OnlyChannel == null || o.OnlyChannel == message.Channel), ct))
        {
            return "The citizen opted out before the retry.";
        }

        if (message.Purpose is MessagePurpose.Question or MessagePurpose.Reminder)
        {
            var surveyOpen = await db.Conversations.AnyAsync(
                c => c.Id == message.ConversationId && c.State == ConversationState.Active
                     && db.Invitations.Any(i => i.Id == c.InvitationId && (i.ExpiresAt == null || i.ExpiresAt > now)),
                ct);
            if (!surveyOpen)
            {
                return "The survey ended before the retry.";
            }
        }

        return null;
    }

    private async Task CancelAsync(Guid messageId, string reason, CancellationToken ct)
    {
        await db.OutboundMessages.Where(m => m.Id == messageId && m.State == OutboundState.Pending).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.State, OutboundState.Cancelled).SetProperty(m => m.Error, reason).SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null),
            ct);
        logger.LogInformation("Message {MessageId} cancelled: {Reason}", messageId, reason);
    }

    private sealed record DueMessage(Guid Id, OutboundState State, MessagePurpose Purpose, string Provider, ChannelKind Channel, Guid? ContactId, Guid? ConversationId);
}
