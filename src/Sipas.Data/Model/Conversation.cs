namespace Sipas.Data.Model;

/// <summary>
/// The chat state of one invitation: which questionnaire item is waiting for an answer. A contact has at most one
/// active conversation per channel, so a reply is never attributed to another dossier.
/// </summary>
public sealed class Conversation
{
    /// <summary>The longest comment kept from a chat, and so the longest one waiting for the citizen's confirmation.</summary>
    public const int MaxCommentLength = 1000;

    public Guid Id { get; set; }
    public Guid InvitationId { get; set; }
    public ChannelKind Channel { get; set; }

    /// <summary>The provider the invitation went out on; reminders and replies follow it.</summary>
    public required string Provider { get; set; }
    public Guid ContactId { get; set; }
    public ConversationState State { get; set; }

    /// <summary>Position of the item awaiting an answer; null once the conversation has ended.</summary>
    public int? CurrentPosition { get; set; }

    /// <summary>Replies to the waiting item that were not understood; the second one skips the item.</summary>
    public int Misses { get; set; }

    /// <summary>A reply to a rating question that read like a comment, waiting for the citizen's CÓ/KHÔNG to keep it as their comment.</summary>
    public string? PendingComment { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum ConversationState
{
    Active,
    Completed,
    Ended,
}
