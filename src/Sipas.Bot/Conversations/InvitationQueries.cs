using Microsoft.EntityFrameworkCore;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Conversations;

public static class InvitationQueries
{
    /// <summary>An invitation with what its messages name: the dossier, its unit and its procedure.</summary>
    public static IQueryable<Invitation> WithDossier(this SipasDbContext db) =>
        db.Invitations
            .Include(i => i.Dossier).ThenInclude(d => d!.Unit)
            .Include(i => i.Dossier).ThenInclude(d => d!.Procedure);
}
