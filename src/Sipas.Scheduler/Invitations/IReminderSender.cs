namespace Sipas.Scheduler.Invitations;

/// <summary>Sends the one reminder of an invitation on its channel. Implemented by the web host's conversations.</summary>
public interface IReminderSender
{
    /// <summary>False when there is nothing to remind about any more (the chat ended, e.g. by an opt-out).</summary>
    Task<bool> SendReminderAsync(Guid invitationId, CancellationToken cancellationToken);
}
