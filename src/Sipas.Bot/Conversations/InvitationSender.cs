using Microsoft.EntityFrameworkCore;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Bot.Channels;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Conversations;

/// <summary>
/// Prepares a dispatcher's batch in three queries (the invitations with their dossiers, units, procedures and
/// contacts; the contacts' channel opt-outs; the rate-limit slots held by invitations deferred to them), then sends
/// each invitation through <see cref="SendInvitation"/> in a scope of its own, so sends run concurrently.
/// </summary>
public sealed class InvitationSender(SipasDbContext db, IServiceScopeFactory scopes) : IInvitationSender
{
    // An invitation deferred to its rate-limit slot is due at that slot; its latest decision says so, with the provider.
    private const string HeldSlotsSql = """
        SELECT DISTINCT ON (d.invitation_id) d.invitation_id, d.rule, d.parameters ->> 'provider' AS provider, d.deferred_until
        FROM invitation_decisions d
        WHERE d.invitation_id = ANY ({0})
        ORDER BY d.invitation_id, d.id DESC
        """;

    public async Task<IPreparedInvitations> PrepareAsync(IReadOnlyCollection<Guid> invitationIds, CancellationToken cancellationToken)
    {
        var invitations = await db.WithDossier().Include(i => i.Contact).AsNoTracking()
            .Where(i => invitationIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
        var contactIds = invitations.Values.Select(i => i.ContactId).Distinct().ToList();
        var optOuts = await db.OptOuts.AsNoTracking()
            .Where(o => contactIds.Contains(o.ContactId) && o.OptedInAt == null && o.OnlyChannel != null)
            .Select(o => new { o.ContactId, Channel = o.OnlyChannel!.Value })
            .ToListAsync(cancellationToken);
        var optedOutOf = optOuts.ToLookup(o => o.ContactId, o => o.Channel);
        var ids = invitationIds.ToArray();
        var latest = await db.Database.SqlQueryRaw<LatestDecision>(HeldSlotsSql, ids).ToListAsync(cancellationToken);
        var held = latest
            .Where(d => d.Rule == DecisionRules.RateLimit && d.Provider is not null && d.DeferredUntil is not null)
            .ToDictionary(d => d.InvitationId, d => new HeldRateSlot(d.Provider!, new RateSlot(d.DeferredUntil!.Value, TimeSpan.Zero)));
        return new Prepared(invitations, optedOutOf, held, scopes);
    }

    private sealed record LatestDecision(Guid InvitationId, string Rule, string? Provider, DateTimeOffset? DeferredUntil);

    private sealed class Prepared(
        IReadOnlyDictionary<Guid, Invitation> invitations, ILookup<Guid, ChannelKind> optedOutOf, IReadOnlyDictionary<Guid, HeldRateSlot> held, IServiceScopeFactory scopes)
        : IPreparedInvitations
    {
        public async Task<SendOutcome> SendAsync(Guid invitationId, DateTimeOffset latestSlot, CancellationToken cancellationToken)
        {
            var invitation = invitations[invitationId];
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<SendInvitation>()
                .SendAsync(invitation, [.. optedOutOf[invitation.ContactId]], held.GetValueOrDefault(invitationId), latestSlot, cancellationToken);
        }
    }
}
