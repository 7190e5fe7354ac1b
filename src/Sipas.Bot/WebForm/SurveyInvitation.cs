using Sipas.Bot.Http;
using Microsoft.EntityFrameworkCore;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.WebForm;

/// <summary>Where an invitation stands for the form: answerable, already answered, or closed (expired, never sent).</summary>
public enum SurveyStatus
{
    Open,
    Answered,
    Closed,
}

/// <summary>What the form shows and needs about the invitation its code names: who asks, about which dossier, and its state.</summary>
/// <param name="QuestionnaireId">
/// The questionnaire the form asks: the `full` one (sipas-method.md §3: `short` in chat, `full` on the web), or, when
/// the citizen began answering in a chat, that response's own questionnaire, which the form continues.
/// </param>
public sealed record SurveyInvitation(
    Guid Id,
    Guid ContactId,
    string Code,
    InvitationState State,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? StartedAt,
    Guid QuestionnaireId,
    string UnitName,
    string? ProcedureName,
    DateTimeOffset ReturnedAt,
    bool ResponseFinished)
{
    private static readonly InvitationState[] NeverAnswerable = [InvitationState.Skipped, InvitationState.Failed];
    private static readonly InvitationState[] Ended = [InvitationState.Expired, InvitationState.Partial];

    public SurveyStatus StatusAt(DateTimeOffset now) =>
        State == InvitationState.Completed || ResponseFinished ? SurveyStatus.Answered
        : NeverAnswerable.Contains(State) || IsPastExpiry(now) ? SurveyStatus.Closed
        : SurveyStatus.Open;

    /// <summary>The answer window has passed: answers given now are kept as late and not counted (sipas-method.md §4).</summary>
    public bool IsPastExpiry(DateTimeOffset now) => Ended.Contains(State) || ExpiresAt <= now;

    /// <summary>Skipped or failed invitations were never sent: nothing may be recorded against them.</summary>
    public bool WasNeverSent => NeverAnswerable.Contains(State);
}

/// <summary>Finds invitations by their public code and records what opening the form means for the funnel.</summary>
public sealed class SurveyInvitations(SipasDbContext db, TimeProvider time)
{
    public const int MinCodeLength = 10;
    public const int MaxCodeLength = 32;

    /// <summary>Codes are base62; anything else is answered as unknown without a database round trip.</summary>
    public static bool IsWellFormed(string code) =>
        code.Length is >= MinCodeLength and <= MaxCodeLength && code.All(char.IsAsciiLetterOrDigit);

    public async Task<SurveyInvitation?> FindAsync(string code, CancellationToken ct) =>
        !IsWellFormed(code) ? null
        : await db.Invitations.AsNoTracking()
            .Where(i => i.Code == code)
            .Select(i => new SurveyInvitation(
                i.Id,
                i.ContactId,
                i.Code,
                i.State,
                i.ExpiresAt,
                i.StartedAt,
                db.Responses.Where(r => r.InvitationId == i.Id).Select(r => (Guid?)r.QuestionnaireId).FirstOrDefault() ?? QuestionnaireSeed.FullV1Id,
                i.Dossier!.Unit!.Name,
                i.Dossier.Procedure == null ? null : i.Dossier.Procedure.Name,
                i.Dossier.ReturnedAt,
                db.Responses.Any(r => r.InvitationId == i.Id && r.CompletedAt != null)))
            .SingleOrDefaultAsync(ct);

    /// <summary>
    /// Opening the form is the funnel's "started" (sipas-method.md §5). The state stays as it is: Started means a
    /// first answer, which only <see cref="Surveys.RecordAnswer"/> gives.
    /// </summary>
    public async Task MarkStartedAsync(SurveyInvitation invitation, CancellationToken ct)
    {
        if (invitation.StartedAt is not null)
        {
            return;
        }

        var now = time.GetUtcNow();
        await db.Invitations.Where(i => i.Id == invitation.Id && i.StartedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.StartedAt, now).SetProperty(i => i.UpdatedAt, now), ct);
    }

    /// <summary>What the citizen already answered (in a chat, say), as form values, so the form continues where they stopped.</summary>
    public async Task<IReadOnlyDictionary<string, string>> AnsweredSoFarAsync(SurveyInvitation invitation, CancellationToken ct)
    {
        if (invitation.State != InvitationState.Started)
        {
            return new Dictionary<string, string>();
        }

        var answers = await db.Responses.AsNoTracking()
            .Where(r => r.InvitationId == invitation.Id)
            .SelectMany(r => r.Answers)
            .Where(a => !a.IsLate)
            .Select(a => new { a.ItemCode, a.Kind, a.Value, a.Text })
            .ToListAsync(ct);
        return answers
            .Select(a => (a.ItemCode, Value: FormValues.Of(a.Kind, a.Value, a.Text)))
            .Where(a => a.Value is not null)
            .ToDictionary(a => a.ItemCode, a => a.Value!, StringComparer.Ordinal);
    }
}
