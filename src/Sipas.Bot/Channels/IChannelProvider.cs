using Sipas.Data.Model;

namespace Sipas.Bot.Channels;

/// <summary>
/// Who carries messages to citizens (<c>twilio</c>, <c>simulator</c>…) on a channel they see (SMS…). Each provider
/// lives in its own folder with its options, client and error classification; the router picks among the enabled ones.
/// </summary>
public interface IChannelProvider
{
    /// <summary>Stable name, stored with every message it carries and used in <c>Channels:Routing</c>.</summary>
    string Name { get; }

    ChannelKind Channel { get; }

    /// <summary>Configured (credentials present) or switched on; a disabled provider is never picked.</summary>
    bool IsEnabled { get; }

    /// <summary>
    /// True when handing the same message over again cannot reach the citizen twice (the provider dedupes on our
    /// message id, or nothing leaves the system). False: an attempt whose outcome was lost is marked unknown, not repeated.
    /// </summary>
    bool ResendIsSafe { get; }

    /// <summary>Hands one message over. <see cref="ChannelMessage.MessageId"/> is stable across attempts: pass it as the idempotency key where the provider takes one.</summary>
    Task<ChannelSendResult> SendAsync(ChannelMessage message, CancellationToken cancellationToken);
}

public sealed record ChannelMessage(Guid MessageId, string Recipient, string Text);

public abstract record ChannelSendResult
{
    public sealed record Accepted(string ProviderMessageId, bool Delivered) : ChannelSendResult;

    /// <summary>The provider refused it. <paramref name="Permanent"/>: it will never take this message (bad number, blocked); otherwise try again later.</summary>
    public sealed record Failed(string Error, bool Permanent) : ChannelSendResult;

    /// <summary>The request may have reached the provider, but no answer says what became of it (timeout, connection lost mid-request).</summary>
    public sealed record Ambiguous(string Error) : ChannelSendResult;
}
