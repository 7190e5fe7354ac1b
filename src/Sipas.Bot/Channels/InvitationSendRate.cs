using Sipas.Scheduler.Invitations;

namespace Sipas.Bot.Channels;

/// <summary>
/// The rate invitations go out at, for the dashboard's drain estimate: the limit of the provider most invitations go
/// to (the first enabled one of the default routing order; a unit's own order is not weighed in).
/// </summary>
public sealed class InvitationSendRate(ChannelRouter router, RateLimiter limiter) : IInvitationSendRate
{
    public double? PerSecond => router.Candidates(unitCode: string.Empty, preferred: null) is [var first, ..] ? limiter.RateOf(first.Name) : null;
}
