using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
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
/// (Started on the first counted answer, Completed when the citizen finishes). A finished response takes nothing more,
/// and ends the chats still open on the invitation.
/// It works inside the caller's transaction: the caller locks the invitation with <see cref="LockAsync"/> first (so two
/// answers at once take turns), adds what else belongs to the step, and saves. The response and its answers are written
/// at once, in one statement (a form's two dozen answers are one multi-row insert, not two dozen); the invitation's
/// move is left in the change tracker for the caller's save.
/// </summary>
public sealed class RecordAnswer(SipasDbContext db, TimeProvider time)
{
    /// <summary>The longest free text kept for an answer (the column's size).</summary>
    public const int MaxTextLength = 2000;

    // The response is created (when new) or finished (when asked) in the same statement as its answers; the answers'
    // foreign key is checked at the statement's end, when the new response is there. A finished response ends any chat
    // still open on the invitation (answered on the web or by a Zalo rating, the chat stops asking); a chat that gave
    // the last answer itself is then saved as Completed by its caller, which holds its row. A new response's answers
    // are plain inserts; answers to a response begun earlier replace that response's answers to the same items.
    private const string EndChats = """
        chats_ended AS (
            UPDATE conversations SET state = 'Ended', current_position = NULL, updated_at = @at
            WHERE invitation_id = @invitation_id AND state = 'Active' AND @finished
        )
        """;

    private const string InsertAnswers = """
        INSERT INTO answers (id, response_id, item_code, kind, value, text, answered_at, is_late)
        SELECT a.id, @response_id, a.item_code, a.kind, a.value, a.text, @at, @late
        FROM unnest(@ids, @item_codes, @kinds, @values, @texts) AS a(id, item_code, kind, value, text)
        """;

    private const string NewResponseSql = $"""
        WITH created AS (
            INSERT INTO responses (id, invitation_id, questionnaire_id, channel, started_at, completed_at, is_late)
            VALUES (@response_id, @invitation_id, @questionnaire_id, @channel, @at, CASE WHEN @finished THEN @at END, @late)
        ), {EndChats}
        {InsertAnswers}
        """;

    private const string MoreAnswersSql = $"""
        WITH finished AS (
            UPDATE responses SET completed_at = @at WHERE id = @response_id AND @finished
        ), {EndChats}
        {InsertAnswers}
        ON CONFLICT (response_id, item_code) DO UPDATE
            SET kind = excluded.kind, value = excluded.value, text = excluded.text, answered_at = excluded.answered_at, is_late = excluded.is_late
        """;

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
        var response = await db.Responses.AsNoTracking().SingleOrDefaultAsync(r => r.InvitationId == invitation.Id, ct);
        if (response?.CompletedAt is not null)
        {
            return new AnswersRecorded(RecordOutcome.AlreadyCompleted, response, from, from);
        }

        var late = invitation.ExpiresAt is { } expiresAt && answeredAt > expiresAt;
        var create = response is null;
        response ??= new Response
        {
            Id = Guid.CreateVersion7(),
            InvitationId = invitation.Id,
            QuestionnaireId = questionnaireId,
            Channel = channel,
            StartedAt = answeredAt,
            IsLate = late,
        };
        if (finished)
        {
            response.CompletedAt = answeredAt;
        }

        await WriteAsync(response, create, answers, finished, late, answeredAt, ct);
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

    private async Task WriteAsync(Response response, bool create, IReadOnlyList<ItemAnswer> answers, bool finished, bool late, DateTimeOffset at, CancellationToken ct)
    {
        // The latest answer to an item wins, within one call as across calls.
        var byItem = answers.GroupBy(a => a.ItemCode, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand(create ? NewResponseSql : MoreAnswersSql, connection)
        {
            Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
        };
        command.Parameters.AddWithValue("response_id", response.Id);
        command.Parameters.AddWithValue("invitation_id", response.InvitationId);
        command.Parameters.AddWithValue("questionnaire_id", response.QuestionnaireId);
        command.Parameters.AddWithValue("channel", response.Channel.ToString());
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("finished", finished);
        command.Parameters.AddWithValue("late", late);
        command.Parameters.AddWithValue("ids", byItem.Select(_ => Guid.CreateVersion7()).ToArray());
        command.Parameters.AddWithValue("item_codes", byItem.Select(a => a.ItemCode).ToArray());
        command.Parameters.AddWithValue("kinds", byItem.Select(a => a.Kind.ToString()).ToArray());
        command.Parameters.AddWithValue("values", NpgsqlDbType.Array | NpgsqlDbType.Integer, byItem.Select(a => a.Value).ToArray());
        command.Parameters.AddWithValue("texts", NpgsqlDbType.Array | NpgsqlDbType.Text, byItem.Select(a => a.Text is { Length: > MaxTextLength } text ? text[..MaxTextLength] : a.Text).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }
}
