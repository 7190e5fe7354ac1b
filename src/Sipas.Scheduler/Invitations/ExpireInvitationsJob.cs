using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;

namespace Sipas.Scheduler.Invitations;

/// <summary>
/// Closes invitations whose answer window has passed: unanswered ones become Expired, half-answered ones Partial
/// (what was answered still counts), and their chats end, so a late reply is kept as a message but not counted.
/// </summary>
public sealed class ExpireInvitationsJob(SipasDbContext db, SipasMetrics metrics, TimeProvider time, ILogger<ExpireInvitationsJob> logger)
{
    public const string RecurringJobId = "expire-invitations";

    private static readonly (InvitationState From, InvitationState To)[] Closings =
    [
        (InvitationState.Sent, InvitationState.Expired),
        (InvitationState.Delivered, InvitationState.Expired),
        (InvitationState.Started, InvitationState.Partial),
    ];

    [JobDisplayName("Đóng lời mời đã hết hạn trả lời")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = db.Invitations.Where(i => i.ExpiresAt < now);
        // One update per starting state, so each transition is counted as what it is. The invitations are updated
        // before their chats end: every writer locks an invitation before its conversation, so no deadlock.
        var moves = new List<(InvitationState From, InvitationState To, int Count)>();
        foreach (var (from, to) in Closings)
        {
            moves.Add((from, to, await due.Where(i => i.State == from).ExecuteUpdateAsync(s => s.SetProperty(i => i.State, to).SetProperty(i => i.UpdatedAt, now), cancellationToken)));
        }

        var closed = due.Where(i => i.State == InvitationState.Expired || i.State == InvitationState.Partial);
        await db.Conversations.Where(c => c.State == ConversationState.Active && closed.Any(i => i.Id == c.InvitationId))
            .EndAsync(now, cancellationToken);

        await tx.CommitAsync(cancellationToken);
        moves.ForEach(move => metrics.InvitationMoved(move.From, move.To, move.Count));
        var expired = moves.Sum(move => move.Count);
        if (expired > 0)
        {
            logger.LogInformation("Closed {Count} invitations whose answer window had passed", expired);
        }

        return expired;
    }
}
