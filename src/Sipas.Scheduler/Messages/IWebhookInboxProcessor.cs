namespace Sipas.Scheduler.Messages;

/// <summary>Handles provider webhooks kept in the inbox that no request finished handling. Implemented by the web host's channels.</summary>
public interface IWebhookInboxProcessor
{
    /// <summary>Handles up to a batch of waiting webhooks; returns how many were handled.</summary>
    Task<int> ProcessWaitingAsync(CancellationToken cancellationToken);
}
