using Microsoft.EntityFrameworkCore;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;

namespace Sipas.Bot.Conversations;

/// <summary>
/// Prepares a dispatcher's batch in two queries (the invitations with their dossiers, units, procedures and
/// contacts; the contacts' channel opt-outs), then sends each invitation through <see cref="SendInvitation"/> in a
/// scope of its own, so sends run concurrently.
/// </summary>
public sealed class InvitationSender(SipasDbContext db, IServiceScopeFactory scopes) : IInvitationSender
{
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
        return new Prepared(invitations, optedOutOf, scopes);
    }

    private sealed class Prepared(IReadOnlyDictionary<Guid, Invitation> invitations, ILookup<Guid, ChannelKind> optedOutOf, IServiceScopeFactory scopes) : IPreparedInvitations
    {
        public async Task<SendOutcome> SendAsync(Guid invitationId, CancellationToken cancellationToken)
        {
            var invitation = invitations[invitationId];
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<SendInvitation>()
                .SendAsync(invitation, [.. optedOutOf[invitation.ContactId]], cancellationToken);
        }
    }
}
