using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Scheduler.Invitations;

/// <summary>
/// Closes invitations whose answer window has passed: unanswered ones become Expired, half-answered ones Partial
/// (what was answered still counts), and their chats end, so a late reply is kept as a message but not counted.
/// </summary>
public sealed class ExpireInvitationsJob(SipasDbContext db, TimeProvider time, ILogger<ExpireInvitationsJob> logger)
{
    public const string RecurringJobId = "expire-invitations";

    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = db.Invitations.Where(i => i.ExpiresAt < now
            && (i.State == InvitationState.Sent || i.State == InvitationState.Delivered || i.State == InvitationState.Started));
        await db.Conversations.Where(c => c.State == ConversationState.Active && due.Any(i => i.Id == c.InvitationId))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ConversationState.Ended).SetProperty(c => c.CurrentPosition, (int?)null).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        var expired = await due.ExecuteUpdateAsync(
            s => s.SetProperty(i => i.State, i => i.State == InvitationState.Started ? InvitationState.Partial : InvitationState.Expired)
                .SetProperty(i => i.UpdatedAt, now),
            cancellationToken);
        await tx.CommitAsync(cancellationToken);
        if (expired > 0)
        {
            logger.LogInformation("Closed {Count} invitations whose answer window had passed", expired);
        }

        return expired;
    }
}
