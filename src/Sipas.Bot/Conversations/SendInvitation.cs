using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Channels;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Data.Privacy;
using Sipas.Scheduler.Invitations;

namespace Sipas.Bot.Conversations;

/// <summary>
/// Opens the chat of one invitation and sends its first message (greeting + first question). Re-running it for the
/// same invitation finds the same conversation and the same stored message, so the citizen gets it once.
/// </summary>
public sealed class SendInvitation(
    SipasDbContext db,
    ChannelRouter router,
    OutboundMessenger messenger,
    ConversationTexts texts,
    QuestionnaireItems questionnaires,
    PersonalDataProtector personalData,
    TimeProvider time) : IInvitationSender
{
    public async Task<SendOutcome> SendAsync(Guid invitationId, CancellationToken cancellationToken)
    {
        var invitation = await db.WithDossier().AsNoTracking().SingleAsync(i => i.Id == invitationId, cancellationToken);
        var dossier = invitation.Dossier!;
        var channel = router.Pick(dossier.PreferredChannel);
        if (channel is null)
        {
            return new SendOutcome.Failed("No channel is configured for this citizen.", Retryable: false);
        }

        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, cancellationToken);
        var conversationId = await OpenConversationAsync(invitation, channel.Kind, cancellationToken);
        var recipient = personalData.Decrypt(dossier.CitizenPhoneEncrypted);
        var body = texts.Invitation(dossier.Unit!.Name, dossier.Procedure?.Name, items[0], items.Count);
        var message = messenger.Compose(channel.Kind, recipient, MessagePurpose.Invitation, body, $"invitation:{invitation.Id}", invitation.Id, conversationId);

        return await messenger.StoreAndDeliverAsync(message, cancellationToken) switch
        {
            ChannelSendResult.Accepted accepted => new SendOutcome.Sent(channel.Kind, accepted.Delivered),
            ChannelSendResult.Failed failed => new SendOutcome.Failed(failed.Error, failed.Retryable),
            _ => throw new InvalidOperationException("Unknown send result."),
        };
    }

    private async Task<Guid> OpenConversationAsync(Invitation invitation, ChannelKind channel, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO conversations (id, invitation_id, channel, address_hash, state, current_position, created_at, updated_at)
            VALUES ({Guid.CreateVersion7()}, {invitation.Id}, {channel.ToString()}, {invitation.PhoneHash}, 'Active', 1, {now}, {now})
            ON CONFLICT (invitation_id) DO NOTHING
            """,
            ct);
        return await db.Conversations.Where(c => c.InvitationId == invitation.Id).Select(c => c.Id).SingleAsync(ct);
    }
}
