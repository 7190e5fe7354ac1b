using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Scheduler.Policy;

/// <summary>The checks made just before an invitation goes out: opt-out of every channel, and one invitation per contact per fatigue window.</summary>
public sealed class SendPolicy(SipasDbContext db, IOptions<SurveyOptions> options, TimeProvider time)
{
    /// <summary>
    /// Reserves the contact for this invitation, or says why it must be skipped. Runs under a transaction-scoped
    /// advisory lock on the contact, so two dispatchers holding two invitations for one citizen cannot both pass.
    /// </summary>
    public async Task<SkipReason?> ReserveAsync(Guid invitationId, Guid contactId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var fatigueStart = now.AddDays(-options.Value.FatigueWindowDays);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var lockKey = BitConverter.ToInt64(contactId.ToByteArray(), 8);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockKey})", ct);

        if (await db.OptOuts.AnyAsync(o => o.ContactId == contactId && o.OptedInAt == null && o.OnlyChannel == null, ct))
        {
            return SkipReason.OptedOut;
        }

        var surveyedRecently = options.Value.FatigueWindowDays > 0 && await db.Invitations.AnyAsync(
            i => i.ContactId == contactId && i.Id != invitationId && i.SendStartedAt > fatigueStart
                 && i.State != InvitationState.Failed && i.State != InvitationState.Skipped,
            ct);
        if (surveyedRecently)
        {
            return SkipReason.RecentlySurveyed;
        }

        await db.Invitations.Where(i => i.Id == invitationId && i.SendStartedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.SendStartedAt, now), ct);
        await tx.CommitAsync(ct);
        return null;
    }
}
