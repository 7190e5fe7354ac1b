namespace Sipas.Scheduler.Messages;

/// <summary>Hands a stored, not yet accepted outbound message to its channel. Implemented by the web host's channels.</summary>
public interface IPendingMessageDelivery
{
    /// <summary>True when the channel accepted the message this time.</summary>
    Task<bool> DeliverAsync(Guid messageId, CancellationToken cancellationToken);
}
