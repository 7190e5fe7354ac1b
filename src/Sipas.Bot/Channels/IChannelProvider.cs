using Sipas.Data.Model;

namespace Sipas.Bot.Channels;

/// <summary>
/// Who carries messages to citizens (<c>twilio</c>, <c>esms</c>, <c>zalo-zns</c>, <c>zalo-oa</c>, <c>telegram</c>,
/// <c>simulator</c>) on a channel they see (<see cref="ChannelKind"/>). Each provider lives in its own folder with its
/// options, client, webhooks and error classification, registered by its <see cref="IChannelModule"/>; the router
/// picks among the enabled ones.
/// </summary>
public interface IChannelProvider
{
    /// <summary>Stable name, stored with every message it carries and used in <c>Channels:Routing</c>.</summary>
    string Name { get; }

    ChannelKind Channel { get; }

    ChannelCapabilities Capabilities { get; }

    /// <summary>Configured (credentials present) or switched on; a disabled provider is never picked.</summary>
    bool IsEnabled { get; }

    /// <summary>
    /// True when handing the same message over again cannot reach the citizen twice (the provider dedupes on our
    /// message id, or nothing leaves the system). False: an attempt whose outcome was lost is marked unknown, not repeated.
    /// </summary>
    bool ResendIsSafe { get; }

    /// <summary>Hands one message over. <see cref="OutgoingMessage.MessageId"/> is stable across attempts: pass it as the idempotency key where the provider takes one.</summary>
    Task<ChannelSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

/// <summary>What a provider can carry; the composer and the router read it, so no caller asks for a provider by name.</summary>
/// <param name="TwoWay">Citizens can answer on it, so a chat survey (a conversation) can run there.</param>
/// <param name="Buttons">It shows <see cref="OutgoingMessage.Choices"/> as buttons.</param>
/// <param name="Links">Links in the text can be opened (an SMS to a phone), so a one-way message can carry the web form's link.</param>
/// <param name="MaxLength">Longest text it takes, in characters.</param>
/// <param name="Unicode">It sends Vietnamese with diacritics; false: the text is sent without them (GSM-7).</param>
/// <param name="TemplateOnly">It sends only registered templates filled from <see cref="OutgoingMessage.Data"/>, never free text.</param>
/// <param name="Addressing">How it finds the citizen: by phone, or by an address bound to the contact (a chat id).</param>
/// <param name="InteractionWindow">It may write only within this time after the citizen's last message (Zalo OA: 7 days).</param>
public sealed record ChannelCapabilities(
    bool TwoWay,
    bool Buttons,
    bool Links,
    int MaxLength,
    bool Unicode,
    bool TemplateOnly,
    Addressing Addressing,
    TimeSpan? InteractionWindow = null);

public enum Addressing
{
    /// <summary>The contact's phone (E.164).</summary>
    Phone,

    /// <summary>An address the provider gave the citizen, stored as a <see cref="ContactAddress"/> once bound.</summary>
    BoundAddress,
}

/// <summary>One message as a provider receives it: the stored message's purpose, text, buttons and template model.</summary>
/// <param name="Address">The phone in E.164 for <see cref="Addressing.Phone"/>, else the provider's own address (chat id, user id).</param>
public sealed record OutgoingMessage(
    Guid MessageId,
    MessagePurpose Purpose,
    string Address,
    string Text,
    IReadOnlyList<MessageChoice> Choices,
    IReadOnlyDictionary<string, string> Data);

public abstract record ChannelSendResult
{
    public sealed record Accepted(string ProviderMessageId, bool Delivered) : ChannelSendResult;

    /// <summary>The provider refused it, for the reason <paramref name="Kind"/> says; <paramref name="RetryAt"/> when the provider said when to try again (a night ban, a 429's retry-after).</summary>
    public sealed record Failed(string Error, FailureKind Kind, DateTimeOffset? RetryAt = null) : ChannelSendResult;

    /// <summary>The request may have reached the provider, but no answer says what became of it (timeout, connection lost mid-request).</summary>
    public sealed record Ambiguous(string Error) : ChannelSendResult;
}

/// <summary>Why a provider refused a message, which decides what happens next.</summary>
public enum FailureKind
{
    /// <summary>Try the same provider again after a back-off (5xx, 429, unreachable, a night ban).</summary>
    Transient,

    /// <summary>This provider will never reach this citizen (invalid number, no Zalo account, landline): try the next channel.</summary>
    Recipient,

    /// <summary>The citizen refused messages from us there (replied STOP, blocked the bot): recorded as an opt-out of that channel, then the next channel.</summary>
    OptedOut,

    /// <summary>Our account's fault (credentials, sender id, template, balance): every citizen would fail alike, so the provider is paused and an operator alerted.</summary>
    Configuration,
}
