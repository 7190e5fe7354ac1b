namespace Sipas.Scheduler.Messages;

/// <summary>Hands a stored, not yet accepted outbound message to its provider. Implemented by the web host's channels.</summary>
public interface IPendingMessageDelivery
{
    /// <summary>Makes one attempt if the message is due and nobody else is sending it; true when the provider accepted it.</summary>
    Task<bool> DeliverAsync(Guid messageId, string provider, CancellationToken cancellationToken);
}
