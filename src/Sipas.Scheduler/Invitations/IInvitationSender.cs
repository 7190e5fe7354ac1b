using Sipas.Data.Model;

namespace Sipas.Scheduler.Invitations;

/// <summary>
/// Composes and sends one invitation on a channel. Implemented by the web host (templates, channels, conversations);
/// it must be idempotent: called again for the same invitation after a crash, it must not send a second message.
/// </summary>
public interface IInvitationSender
{
    Task<SendOutcome> SendAsync(Guid invitationId, CancellationToken cancellationToken);
}

public abstract record SendOutcome
{
    public sealed record Sent(ChannelKind Channel, bool Delivered) : SendOutcome;

    public sealed record Failed(string Error, bool Retryable) : SendOutcome;
}
