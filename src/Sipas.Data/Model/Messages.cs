namespace Sipas.Data.Model;

/// <summary>A message Sipas sends. <see cref="IdempotencyKey"/> makes a re-run of the same logical send a no-op.</summary>
public sealed class OutboundMessage
{
    public Guid Id { get; set; }
    public required string IdempotencyKey { get; set; }
    public Guid? InvitationId { get; set; }
    public Guid? ConversationId { get; set; }
    public ChannelKind Channel { get; set; }
    public MessagePurpose Purpose { get; set; }
    public required byte[] RecipientHash { get; set; }
    public required byte[] RecipientEncrypted { get; set; }
    public required string Body { get; set; }
    public OutboundState State { get; set; }
    public string? ProviderMessageId { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

public enum MessagePurpose
{
    Invitation,
    Reminder,
    Question,
    Reply,
    Thanks,
    OptOutConfirmation,
}

public enum OutboundState
{
    Pending,
    Accepted,
    Delivered,
    Failed,
}

/// <summary>A message a citizen sent us on a channel, deduplicated on the provider's own id.</summary>
public sealed class InboundMessage
{
    public Guid Id { get; set; }
    public ChannelKind Channel { get; set; }
    public required string ProviderMessageId { get; set; }
    public required byte[] SenderHash { get; set; }
    public required byte[] SenderEncrypted { get; set; }
    public required string Text { get; set; }
    public Guid? ConversationId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>
/// The raw log of every accepted inbound event (one-stop events, provider webhooks). Payloads carry phones and
/// names, so they are kept encrypted like every other piece of personal data.
/// </summary>
public sealed class InboundEvent
{
    public Guid Id { get; set; }
    public required string Kind { get; set; }
    public required string Source { get; set; }
    public required string ExternalId { get; set; }
    public required byte[] PayloadEncrypted { get; set; }
    public required byte[] PayloadSha256 { get; set; }
    public Guid? InvitationId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
