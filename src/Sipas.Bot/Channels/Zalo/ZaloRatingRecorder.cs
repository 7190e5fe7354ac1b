using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Sipas.Bot.Conversations;
using Sipas.Bot.Surveys;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>
/// A ZNS "đánh giá dịch vụ" rating as the webhook (<c>user_feedback</c>) or the <c>rating/get</c> reconciliation reads it.
/// </summary>
/// <param name="TrackingId">Our <c>tracking_id</c>: the outbound message id ("N" format).</param>
/// <param name="Rate">The stars (1–5); anything else is not a rating.</param>
/// <param name="Feedbacks">The preset reasons the citizen ticked.</param>
public sealed record ZaloRating(string? MsgId, string? TrackingId, int? Rate, IReadOnlyList<string> Feedbacks, string? Note, DateTimeOffset? SubmittedAt);

public enum RatingOutcome
{
    Recorded,
    AlreadyRecorded,
    UnknownInvitation,
    Ignored,
}

/// <summary>
/// Records a Zalo rating as the invitation's response (sipas-method.md §3): the stars answer <c>OVERALL</c>, each
/// preset reason becomes a tagged <see cref="ResponseReason"/> (mapped to a dimension by <c>Channels:Zalo:RatingReasons</c>),
/// the note is the questionnaire's comment. The webhook and the reconciliation both come here; the invitation row is
/// locked for the step and responses are unique per invitation, so the same rating seen twice is recorded once.
/// </summary>
public sealed class ZaloRatingRecorder(
    SipasDbContext db, RecordAnswer recordAnswer, QuestionnaireItems questionnaires, IOptions<ZaloOptions> options, SipasMetrics metrics, TimeProvider time, ILogger<ZaloRatingRecorder> logger)
{
    public const string ReasonSource = "zalo-rating";
    private const int MaxReasonLength = 500;

    public async Task<RatingOutcome> RecordAsync(ZaloRating rating, CancellationToken ct)
    {
        if (rating.Rate is not (>= 1 and <= 5))
        {
            logger.LogWarning("A Zalo rating of message {MsgId} has rate {Rate}, not 1–5; ignored", rating.MsgId, rating.Rate);
            return RatingOutcome.Ignored;
        }

        if (await FindInvitationAsync(rating, ct) is not { } invitationId)
        {
            logger.LogWarning("A Zalo rating (msg_id {MsgId}, tracking_id {TrackingId}) matches no invitation; ignored", rating.MsgId, rating.TrackingId);
            return RatingOutcome.UnknownInvitation;
        }

        var now = time.GetUtcNow();
        var submitted = rating.SubmittedAt ?? now;
        try
        {
            return await RecordAsync(invitationId, rating, rating.Rate.Value, submitted, ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            logger.LogInformation("The Zalo rating of invitation {InvitationId} was recorded meanwhile by another process", invitationId);
            return RatingOutcome.AlreadyRecorded;
        }
    }

    private async Task<RatingOutcome> RecordAsync(Guid invitationId, ZaloRating rating, int rate, DateTimeOffset submitted, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var invitation = await recordAnswer.LockAsync(invitationId, ct);
        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, ct);
        List<ItemAnswer> answers = [new(QuestionnaireSeed.OverallItem, AnswerKind.Scale, rate)];
        var note = Clean(rating.Note ?? "");
        var comment = items.FirstOrDefault(i => i.Code == QuestionnaireSeed.Dimensions.Comment) ?? items.FirstOrDefault(i => i.Kind == ItemKind.Text);
        if (note.Length > 0 && comment is not null)
        {
            answers.Add(new ItemAnswer(comment.Code, AnswerKind.Text, Text: note));
        }

        // A rating is a whole response: it finishes one the citizen began in a chat, and adds nothing to a finished one.
        var recorded = await recordAnswer.RecordAsync(invitation, invitation.QuestionnaireId, ChannelKind.Zalo, answers, finished: true, submitted, ct);
        if (recorded.Outcome == RecordOutcome.AlreadyCompleted)
        {
            await tx.CommitAsync(ct);
            logger.LogInformation("Invitation {InvitationId} already has a finished response; the Zalo rating {MsgId} adds nothing", invitationId, rating.MsgId);
            return RatingOutcome.AlreadyRecorded;
        }

        var dimensions = ReasonDimensions();
        foreach (var feedback in rating.Feedbacks.Select(Clean).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal))
        {
            db.Add(new ResponseReason
            {
                Id = Guid.CreateVersion7(),
                ResponseId = recorded.Response.Id,
                Source = ReasonSource,
                Text = Cut(feedback, MaxReasonLength),
                Dimension = dimensions.GetValueOrDefault(feedback),
            });
        }

        if (note.Length > 0 && comment is null)
        {
            db.Add(new ResponseReason { Id = Guid.CreateVersion7(), ResponseId = recorded.Response.Id, Source = ReasonSource, Text = Cut(note, MaxReasonLength) });
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (recorded.Moved)
        {
            metrics.InvitationMoved(recorded.From, recorded.To);
        }

        var late = recorded.Outcome == RecordOutcome.RecordedLate;
        logger.LogInformation("Zalo rating recorded for invitation {InvitationId}: {Rate} stars, {Reasons} reasons{Late}", invitationId, rate, rating.Feedbacks.Count, late ? " (late)" : "");
        return RatingOutcome.Recorded;
    }

    /// <summary>
    /// Our tracking id (the outbound message id) first; else ZNS's msg_id of a message we recorded; else a tracking id
    /// that is an invitation code (templates sent by another tool with the survey code as tracking id).
    /// </summary>
    private async Task<Guid?> FindInvitationAsync(ZaloRating rating, CancellationToken ct)
    {
        if (Guid.TryParseExact(rating.TrackingId, "N", out var messageId)
            && await db.OutboundMessages.AsNoTracking().Where(m => m.Id == messageId).Select(m => m.InvitationId).FirstOrDefaultAsync(ct) is { } byMessage)
        {
            return byMessage;
        }

        if (!string.IsNullOrEmpty(rating.MsgId)
            && await db.OutboundMessages.AsNoTracking().Where(m => m.Provider == ZaloZnsChannel.ProviderName && m.ProviderMessageId == rating.MsgId)
                .Select(m => m.InvitationId).FirstOrDefaultAsync(ct) is { } byMsgId)
        {
            return byMsgId;
        }

        if (rating.TrackingId is { Length: > 0 and <= 32 } code)
        {
            return await db.Invitations.AsNoTracking().Where(i => i.Code == code).Select(i => (Guid?)i.Id).FirstOrDefaultAsync(ct);
        }

        return null;
    }

    /// <summary>The configured reason → dimension map, matched on trimmed NFC text, case-insensitively (an edited template may change case).</summary>
    private Dictionary<string, string> ReasonDimensions()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (text, dimension) in options.Value.RatingReasons)
        {
            if (!string.IsNullOrWhiteSpace(dimension))
            {
                map[Clean(text)] = dimension.Trim().ToUpperInvariant();
            }
        }

        return map;
    }

    private static string Clean(string text) => text.Trim().Normalize(NormalizationForm.FormC);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
