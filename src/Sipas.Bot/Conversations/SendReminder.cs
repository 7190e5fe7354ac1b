using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Channels;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Data.Privacy;
using Sipas.Scheduler.Invitations;

namespace Sipas.Bot.Conversations;

/// <summary>Reminds a citizen of the question their chat is waiting on, on the channel the invitation went out on.</summary>
public sealed class SendReminder(
    SipasDbContext db, ChannelRouter router, OutboundMessenger messenger, ConversationTexts texts, QuestionnaireItems questionnaires, PersonalDataProtector personalData) : IReminderSender
{
    public async Task<bool> SendReminderAsync(Guid invitationId, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking()
            .SingleOrDefaultAsync(c => c.InvitationId == invitationId && c.State == ConversationState.Active, cancellationToken);
        if (conversation?.CurrentPosition is not { } position || router.Get(conversation.Provider) is not { IsEnabled: true } provider)
        {
            return false;
        }

        var invitation = await db.WithDossier().AsNoTracking().SingleAsync(i => i.Id == invitationId, cancellationToken);
        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, cancellationToken);
        var dossier = invitation.Dossier!;
        var body = texts.Reminder(dossier.Unit!.Name, dossier.Procedure?.Name, items.Single(i => i.Position == position), items.Count);
        var message = messenger.Compose(
            provider, personalData.Decrypt(dossier.CitizenPhoneEncrypted), MessagePurpose.Reminder, body, $"reminder:{invitationId}", invitationId, conversation.Id);
        return await messenger.StoreAndDeliverAsync(message, cancellationToken) is Delivery.Accepted;
    }
}
