using Sipas.Data.Model;

namespace Sipas.Bot.Channels;

/// <summary>One way of reaching citizens. Each channel lives in its own folder with its client, webhook and signature check.</summary>
public interface IChannel
{
    ChannelKind Kind { get; }

    /// <summary>
    /// Hands one message to the provider. <see cref="ChannelMessage.MessageId"/> is stable across retries; a channel
    /// whose provider accepts an idempotency key must pass it, so a retry after a crash is not a second message.
    /// </summary>
    Task<ChannelSendResult> SendAsync(ChannelMessage message, CancellationToken cancellationToken);
}

public sealed record ChannelMessage(Guid MessageId, string Recipient, string Text);

public abstract record ChannelSendResult
{
    public sealed record Accepted(string ProviderMessageId, bool Delivered) : ChannelSendResult;

    public sealed record Failed(string Error, bool Retryable) : ChannelSendResult;
}
