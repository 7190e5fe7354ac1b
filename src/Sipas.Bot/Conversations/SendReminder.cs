using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Channels;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;

namespace Sipas.Bot.Conversations;

/// <summary>
/// Reminds a citizen of their survey on the provider the invitation went out on: the question their chat waits on,
/// or, when the invitation was a link (an SMS), the link again.
/// </summary>
public sealed class SendReminder(
    SipasDbContext db, ChannelRouter router, ContactDirectory contacts, OutboundMessenger messenger, ConversationTexts texts, QuestionnaireItems questionnaires, InvitationTemplateData templateData) : IReminderSender
{
    public async Task<bool> SendReminderAsync(Guid invitationId, CancellationToken cancellationToken)
    {
        var invitation = await db.WithDossier().AsNoTracking().SingleAsync(i => i.Id == invitationId, cancellationToken);
        var conversation = await db.Conversations.AsNoTracking()
            .SingleOrDefaultAsync(c => c.InvitationId == invitationId && c.State == ConversationState.Active, cancellationToken);
        var providerName = conversation?.Provider ?? invitation.Provider;
        if (providerName is null || router.Get(providerName) is not { IsEnabled: true } provider
            || await contacts.AddressForAsync(invitation.ContactId, provider, cancellationToken) is not { } address)
        {
            return false;
        }

        MessageContent content;
        if (conversation is null)
        {
            if (provider.Capabilities.TwoWay)
            {
                return false;
            }

            var data = templateData.For(invitation);
            content = new MessageContent(MessagePurpose.Reminder, texts.LinkReminder(data), Data: data);
        }
        else if (conversation.CurrentPosition is { } position)
        {
            var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, cancellationToken);
            var waiting = items.Single(i => i.Position == position);
            var dossier = invitation.Dossier!;
            content = new MessageContent(MessagePurpose.Reminder, texts.Reminder(dossier.Unit!.Name, dossier.Procedure?.Name, waiting, items.Count), ConversationTexts.Choices(waiting));
        }
        else
        {
            return false;
        }

        var message = messenger.Compose(provider, address, invitation.ContactId, content, $"reminder:{invitationId}", invitationId, conversation?.Id);
        return await messenger.StoreAndDeliverAsync(message, reservedSlot: null, cancellationToken) is Delivery.Accepted;
    }
}
