using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Scheduler.Messages;

/// <summary>
/// Chat replies are stored in the conversation's transaction and sent right after it. A reply left pending by a
/// crash or a failed send is picked up here and sent again. Invitation messages are not touched: the invitation
/// dispatcher owns their retries.
/// </summary>
public sealed class ResendPendingMessagesJob(SipasDbContext db, IPendingMessageDelivery delivery, TimeProvider time, ILogger<ResendPendingMessagesJob> logger)
{
    public const string RecurringJobId = "resend-pending-messages";

    /// <summary>Younger messages may still be in the hands of the request that stored them.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromSeconds(30);

    private const int BatchSize = 100;

    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var olderThan = time.GetUtcNow() - MinimumAge;
        // The row locks keep two workers running this job at once from sending the same message.
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var pending = await db.OutboundMessages
            .FromSql($"SELECT * FROM outbound_messages WHERE state = 'Pending' AND purpose <> 'Invitation' AND created_at < {olderThan} ORDER BY created_at LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
            .Select(m => m.Id)
            .ToListAsync(cancellationToken);
        var accepted = 0;
        foreach (var id in pending)
        {
            accepted += await delivery.DeliverAsync(id, cancellationToken) ? 1 : 0;
        }

        await tx.CommitAsync(cancellationToken);
        if (pending.Count > 0)
        {
            logger.LogInformation("Re-sent {Accepted} of {Pending} pending chat messages", accepted, pending.Count);
        }

        return accepted;
    }
}
