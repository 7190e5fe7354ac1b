namespace Sipas.Data.Model;

/// <summary>A citizen's response to one invitation (phiếu khảo sát). Answers are anonymous statistics.</summary>
public sealed class Response
{
    public Guid Id { get; set; }
    public Guid InvitationId { get; set; }
    public Guid QuestionnaireId { get; set; }
    public ChannelKind Channel { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Begun after the invitation expired: every answer on it is late.</summary>
    public bool IsLate { get; set; }
    public List<Answer> Answers { get; set; } = [];
    public List<ResponseReason> Reasons { get; set; } = [];
}

/// <summary>
/// A reason the citizen chose or wrote (a Zalo rating's preset reasons, a classified comment): counted per unit and
/// dimension, never as a scale answer (sipas-method.md §3).
/// </summary>
public sealed class ResponseReason
{
    public Guid Id { get; set; }
    public Guid ResponseId { get; set; }

    /// <summary>Where the reason came from (<c>zalo-rating</c>…).</summary>
    public required string Source { get; set; }
    public required string Text { get; set; }

    /// <summary>The dimension the reason is mapped to for reporting, when one is configured.</summary>
    public string? Dimension { get; set; }
}

public sealed class Answer
{
    public Guid Id { get; set; }
    public Guid ResponseId { get; set; }
    public required string ItemCode { get; set; }
    public AnswerKind Kind { get; set; }

    /// <summary>1–5 for a scale answer, 1 (yes) / 0 (no) for a yes/no item, null otherwise.</summary>
    public int? Value { get; set; }
    public string? Text { get; set; }
    public DateTimeOffset AnsweredAt { get; set; }

    /// <summary>Given after the invitation expired: kept, never counted (sipas-method.md §4).</summary>
    public bool IsLate { get; set; }
}

public enum AnswerKind
{
    Scale,
    YesNo,
    Text,
    Skipped,
    NotApplicable,
}
