using Sipas.Data.Model;

namespace Sipas.Scheduler.Invitations;

/// <summary>
/// Composes and sends invitations on a channel. Implemented by the web host (templates, channels, conversations).
/// A dispatcher prepares a claimed batch once (what sending needs is read for the whole batch), then sends its
/// invitations concurrently.
/// </summary>
public interface IInvitationSender
{
    Task<IPreparedInvitations> PrepareAsync(IReadOnlyCollection<Guid> invitationIds, CancellationToken cancellationToken);
}

/// <summary>A prepared batch. Sending is idempotent per invitation: called again for the same invitation after a crash, it does not send a second message.</summary>
public interface IPreparedInvitations
{
    /// <summary>Sends one invitation of the batch; safe to call concurrently for different invitations.</summary>
    /// <param name="latestSlot">
    /// The latest start of a rate-limit slot worth waiting for while the invitation is claimed; a slot starting later
    /// defers the invitation to it (<see cref="Policy.DecisionRules.RateLimit"/>) instead.
    /// </param>
    Task<SendOutcome> SendAsync(Guid invitationId, DateTimeOffset latestSlot, CancellationToken cancellationToken);
}

public abstract record SendOutcome
{
    /// <summary>Handed to the provider. <paramref name="Uncertain"/>: the provider may or may not have it (outcome lost), and it is not sent again.</summary>
    public sealed record Sent(ChannelKind Channel, string Provider, bool Delivered, bool Uncertain = false) : SendOutcome;

    /// <summary><paramref name="RetryAt"/>: when a retryable failure may be tried again; null for a permanent failure.</summary>
    public sealed record Failed(string Error, DateTimeOffset? RetryAt) : SendOutcome;

    /// <param name="Parameters">JSON of what the rule saw, for the decision log (<see cref="Policy.PolicyDecision"/>); null: none beyond the reason.</param>
    public sealed record Skipped(SkipReason Reason, string? Parameters = null) : SendOutcome;

    /// <summary>
    /// Not tried now, by the rule <paramref name="Rule"/> (<see cref="Policy.DecisionRules"/>: the citizen still has another
    /// survey open on that channel, the provider's rate-limit slot is far, the window or a holiday). Due again at
    /// <paramref name="Until"/>, without using up an attempt.
    /// </summary>
    public sealed record Deferred(string Rule, string Reason, DateTimeOffset Until, string Parameters) : SendOutcome;
}
