namespace Sipas.Data.Model;

/// <summary>
/// The survey invitation of one dossier. The row, with its due time, is the durable schedule (the outbox):
/// it is written in the same transaction as the dossier, and dispatchers claim due rows with SKIP LOCKED.
/// </summary>
public sealed class Invitation
{
    public Guid Id { get; set; }
    public Guid DossierId { get; set; }

    /// <summary>Short public code used in survey links and chat deep links.</summary>
    public required string Code { get; set; }

    /// <summary>Who is asked: the dossier's citizen. Opt-outs, the fatigue cap and the conversation key on it.</summary>
    public Guid ContactId { get; set; }
    public InvitationState State { get; set; }
    public SkipReason? SkipReason { get; set; }
    public DateTimeOffset DueAt { get; set; }

    /// <summary>While set and in the future, a dispatcher owns the row; a crashed dispatcher's claim simply runs out.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>Which claim holds the row: a dispatcher renews its lease before each send only while the token is still its own.</summary>
    public Guid? ClaimToken { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public ChannelKind? Channel { get; set; }

    /// <summary>The provider that carried the invitation (after any fallback).</summary>
    public string? Provider { get; set; }
    public Guid QuestionnaireId { get; set; }
    /// <summary>When a dispatcher reserved this contact for this invitation (fatigue cap), just before sending.</summary>
    public DateTimeOffset? SendStartedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>When the one reminder was taken for sending; set before it is sent, so a crash loses a reminder rather than repeating it.</summary>
    public DateTimeOffset? RemindedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public Dossier? Dossier { get; set; }
    public Contact? Contact { get; set; }
    public Questionnaire? Questionnaire { get; set; }
}

public enum InvitationState
{
    Scheduled,
    Sent,
    Delivered,
    Started,
    Completed,
    Partial,
    Expired,
    Skipped,
    Failed,
}

public enum SkipReason
{
    EventTooOld,
    OptedOut,
    RecentlySurveyed,
    PhoneNotMobile,

    /// <summary>No enabled provider serves this unit or the citizen's channel.</summary>
    NoChannel,
}
