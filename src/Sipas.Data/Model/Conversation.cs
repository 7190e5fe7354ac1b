namespace Sipas.Data.Model;

/// <summary>
/// The chat state of one invitation: which questionnaire item is waiting for an answer. A contact has at most one
/// active conversation per channel, so a reply is never attributed to another dossier.
/// </summary>
public sealed class Conversation
{
    public Guid Id { get; set; }
    public Guid InvitationId { get; set; }
    public ChannelKind Channel { get; set; }

    /// <summary>The provider the invitation went out on; reminders and replies follow it.</summary>
    public required string Provider { get; set; }
    public Guid ContactId { get; set; }
    public ConversationState State { get; set; }

    /// <summary>Position of the item awaiting an answer; null once the conversation has ended.</summary>
    public int? CurrentPosition { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum ConversationState
{
    Active,
    Completed,
    Ended,
}
