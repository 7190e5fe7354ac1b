namespace Sipas.Data.Model;

/// <summary>
/// A message Sipas sends. <see cref="IdempotencyKey"/> makes a re-run of the same logical send a no-op; the state
/// records each attempt before the provider is called (<see cref="OutboundState.Sending"/>) and its outcome after.
/// </summary>
public sealed class OutboundMessage
{
    public Guid Id { get; set; }
    public required string IdempotencyKey { get; set; }
    public Guid? InvitationId { get; set; }
    public Guid? ConversationId { get; set; }
    public Guid? ContactId { get; set; }

    /// <summary>What the citizen sees (SMS, Zalo…).</summary>
    public ChannelKind Channel { get; set; }

    /// <summary>Who carries it (<c>twilio</c>, <c>simulator</c>…): fixed when the message is stored, so every retry goes the same way.</summary>
    public required string Provider { get; set; }
    public MessagePurpose Purpose { get; set; }

    /// <summary>The address at the provider (a phone, a chat id, a Zalo user id).</summary>
    public required byte[] RecipientHash { get; set; }
    public required byte[] RecipientEncrypted { get; set; }

    /// <summary>The text as a person reads it; a provider that sends templates sends <see cref="Data"/> instead.</summary>
    public required string Body { get; set; }

    /// <summary>Answers offered as buttons where the provider has them (Telegram's inline keyboard).</summary>
    public List<MessageChoice> Choices { get; set; } = [];

    /// <summary>The template model the text was rendered from, for providers that send a registered template with parameters (Zalo ZNS).</summary>
    public Dictionary<string, string> Data { get; set; } = [];
    public OutboundState State { get; set; }
    public string? ProviderMessageId { get; set; }
    public string? Error { get; set; }

    /// <summary>Provider calls made so far; capped by <c>Messages:MaxAttempts</c>.</summary>
    public int Attempts { get; set; }

    /// <summary>A retryable failure waits until then (exponential back-off with jitter).</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>While <see cref="OutboundState.Sending"/>: until when the sender owns the call; after that it is known to have died mid-call.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>Answers offered as a button: its label, and the payload that comes back when pressed (a reply's text).</summary>
public sealed record MessageChoice(string Label, string Payload);

/// <summary>Why a message is sent: providers render some purposes differently (a Zalo template for an invitation, buttons for a question).</summary>
public enum MessagePurpose
{
    Invitation,
    Reminder,
    Question,

    /// <summary>A reply that asks nothing (no survey open, already recorded…).</summary>
    Reply,

    /// <summary>The reply was not understood: a short hint, then the same question.</summary>
    Hint,
    Thanks,
    OptOutConfirmation,
}

public enum OutboundState
{
    /// <summary>Stored, not yet handed over (or waiting for its next attempt).</summary>
    Pending,

    /// <summary>An attempt is recorded and the provider is being called.</summary>
    Sending,
    Accepted,

    /// <summary>The provider reported it on the citizen's device (a receipt, or the simulator).</summary>
    Delivered,

    /// <summary>The provider reported it could not be delivered (after accepting it). Final.</summary>
    Undelivered,
    Failed,

    /// <summary>
    /// The provider may or may not have it: the call timed out or the sender died during it, and the provider offers
    /// no idempotency key to retry safely. Never sent again (at most once).
    /// </summary>
    Unknown,

    /// <summary>No longer wanted when its retry came: the citizen opted out or the survey ended.</summary>
    Cancelled,
}

/// <summary>A message a citizen sent us, deduplicated on the provider's own id.</summary>
public sealed class InboundMessage
{
    public Guid Id { get; set; }
    public ChannelKind Channel { get; set; }
    public required string Provider { get; set; }
    public required string ProviderMessageId { get; set; }
    public required byte[] SenderHash { get; set; }
    public required byte[] SenderEncrypted { get; set; }

    /// <summary>What the citizen typed, or the label of the button they pressed.</summary>
    public required string Text { get; set; }

    /// <summary>The pressed button's payload, when the reply was a button.</summary>
    public string? Payload { get; set; }
    public Guid? ContactId { get; set; }
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

    /// <summary>For a provider webhook kept in the inbox: when it was handled; null while it waits (or was refused: see <see cref="Error"/>).</summary>
    public DateTimeOffset? ProcessedAt { get; set; }

    /// <summary>While set and in the future, a process is handling it.</summary>
    public DateTimeOffset? ProcessingUntil { get; set; }
    public int Attempts { get; set; }

    /// <summary>Why it was refused (malformed) or why its last handling failed.</summary>
    public string? Error { get; set; }
}
