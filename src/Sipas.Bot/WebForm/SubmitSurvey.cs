using Sipas.Bot.Http;
using Sipas.Bot.Surveys;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;

namespace Sipas.Bot.WebForm;

/// <summary>
/// Records a submitted form as the invitation's finished response, in one transaction: the invitation locked first,
/// then the answers through <see cref="RecordAnswer"/> (which also ends a chat the citizen had open on the same
/// invitation, since the survey is answered). A form submitted twice adds nothing the second time.
/// </summary>
public sealed class SubmitSurvey(SipasDbContext db, RecordAnswer recordAnswer, SipasMetrics metrics, TimeProvider time)
{
    public async Task<RecordOutcome> SubmitAsync(Guid invitationId, Guid questionnaireId, IReadOnlyList<ItemAnswer> answers, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        AnswersRecorded recorded;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var invitation = await recordAnswer.LockAsync(invitationId, ct);
            recorded = await recordAnswer.RecordAsync(invitation, questionnaireId, ChannelKind.Web, answers, finished: true, now, ct);
            if (recorded.Outcome != RecordOutcome.AlreadyCompleted)
            {
                await db.SaveChangesAsync(ct);
            }

            await tx.CommitAsync(ct);
        }

        if (recorded.Moved)
        {
            metrics.InvitationMoved(recorded.From, recorded.To);
        }

        return recorded.Outcome;
    }
}
