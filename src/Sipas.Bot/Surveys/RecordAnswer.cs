using Microsoft.EntityFrameworkCore;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Surveys;

/// <summary>One answer to one questionnaire item, however it was collected (a chat reply, a form field, a Zalo rating).</summary>
public sealed record ItemAnswer(string ItemCode, AnswerKind Kind, int? Value = null, string? Text = null);

public enum RecordOutcome
{
    /// <summary>Stored and counted.</summary>
    Recorded,

    /// <summary>Stored after the invitation expired: kept on the response, never counted (sipas-method.md §4).</summary>
    RecordedLate,

    /// <summary>The response was already finished: nothing is added.</summary>
    AlreadyCompleted,
}

/// <summary>What a recording did: the outcome, the response it went to, and the invitation's state before and after (for metrics after commit).</summary>
public sealed record AnswersRecorded(RecordOutcome Outcome, Response Response, InvitationState From, InvitationState To)
{
    public bool Moved => From != To;
}

/// <summary>
/// The one way answers enter a response, for every channel: the chat, two-way SMS, Zalo's rating and the web form.
/// It finds or starts the invitation's response, keeps one answer per item (a later answer to the same item replaces
/// the earlier one while the response is open), marks answers given after expiry as late, and moves the invitation
/// (Started on the first counted answer, Completed when the citizen finishes). A finished response takes nothing more.
/// It works inside the caller's transaction and change tracker: the caller locks the invitation with
/// <see cref="LockAsync"/> first (so two answers at once take turns), adds what else belongs to the step, and saves.
/// </summary>
public sealed class RecordAnswer(SipasDbContext db, TimeProvider time)
{
    /// <summary>The longest free text kept for an answer (the column's size).</summary>
    public const int MaxTextLength = 2000;

    private static readonly InvitationState[] NotStarted = [InvitationState.Scheduled, InvitationState.Sent, InvitationState.Delivered];
    private static readonly InvitationState[] Open = [.. NotStarted, InvitationState.Started];

    /// <summary>The invitation, tracked and locked (<c>FOR UPDATE</c>) until the caller's transaction ends.</summary>
    public Task<Invitation> LockAsync(Guid invitationId, CancellationToken ct) =>
        db.Invitations.FromSql($"SELECT * FROM invitations WHERE id = {invitationId} FOR UPDATE").SingleAsync(ct);

    /// <param name="invitation">Locked by <see cref="LockAsync"/> in the caller's open transaction.</param>
    /// <param name="questionnaireId">The questionnaire the answers come from (`short` in a chat, `full` on the web form); a response already begun keeps its own.</param>
    /// <param name="finished">The citizen has reached the end (the chat's last item, a submitted form, a rating).</param>
    /// <param name="answeredAt">When the citizen answered (a provider's own time where it gives one).</param>
    public async Task<AnswersRecorded> RecordAsync(
        Invitation invitation, Guid questionnaireId, ChannelKind channel, IReadOnlyList<ItemAnswer> answers, bool finished, DateTimeOffset answeredAt, CancellationToken ct)
    {
        var from = invitation.State;
        var response = await db.Responses.Include(r => r.Answers).SingleOrDefaultAsync(r => r.InvitationId == invitation.Id, ct);
        if (response?.CompletedAt is not null)
        {
            return new AnswersRecorded(RecordOutcome.AlreadyCompleted, response, from, from);
        }

        var late = invitation.ExpiresAt is { } expiresAt && answeredAt > expiresAt;
        if (response is null)
        {
            response = new Response
            {
                Id = Guid.CreateVersion7(),
                InvitationId = invitation.Id,
                QuestionnaireId = questionnaireId,
                Channel = channel,
                StartedAt = answeredAt,
                IsLate = late,
            };
            db.Responses.Add(response);
        }

        foreach (var given in answers)
        {
            var answer = response.Answers.SingleOrDefault(a => a.ItemCode == given.ItemCode);
            if (answer is null)
            {
                answer = new Answer { Id = Guid.CreateVersion7(), ResponseId = response.Id, ItemCode = given.ItemCode };
                response.Answers.Add(answer);
                db.Answers.Add(answer);
            }

            answer.Kind = given.Kind;
            answer.Value = given.Value;
            answer.Text = given.Text is { Length: > MaxTextLength } text ? text[..MaxTextLength] : given.Text;
            answer.AnsweredAt = answeredAt;
            answer.IsLate = late;
        }

        if (finished)
        {
            response.CompletedAt = answeredAt;
        }

        invitation.UpdatedAt = time.GetUtcNow();
        if (!late && Open.Contains(invitation.State))
        {
            invitation.StartedAt ??= answeredAt;
            if (finished)
            {
                invitation.State = InvitationState.Completed;
                invitation.CompletedAt = answeredAt;
            }
            else if (NotStarted.Contains(invitation.State))
            {
                invitation.State = InvitationState.Started;
            }
        }

        return new AnswersRecorded(late ? RecordOutcome.RecordedLate : RecordOutcome.Recorded, response, from, invitation.State);
    }
}
