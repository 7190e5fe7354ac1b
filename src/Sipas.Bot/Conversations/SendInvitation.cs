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
        if (router.Pick(dossier.Unit!.Code, dossier.PreferredChannel) is not { } provider)
        {
            return new SendOutcome.Skipped(SkipReason.NoChannel);
        }

        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, cancellationToken);
        var conversationId = await OpenConversationAsync(invitation, provider, cancellationToken);
        var recipient = personalData.Decrypt(dossier.CitizenPhoneEncrypted);
        var body = texts.Invitation(dossier.Unit.Name, dossier.Procedure?.Name, items[0], items.Count);
        var message = messenger.Compose(provider, recipient, MessagePurpose.Invitation, body, $"invitation:{invitation.Id}", invitation.Id, conversationId);

        return await messenger.StoreAndDeliverAsync(message, cancellationToken) switch
        {
            Delivery.Accepted accepted => new SendOutcome.Sent(accepted.Channel, accepted.Delivered),
            Delivery.Unknown unknown => new SendOutcome.Sent(unknown.Channel, Delivered: false, Uncertain: true),
            Delivery.RetryLater later => new SendOutcome.Failed(later.Error, later.At),
            Delivery.Failed failed => new SendOutcome.Failed(failed.Error, RetryAt: null),
            _ => throw new InvalidOperationException("Unknown delivery."),
        };
    }

    /// <summary>One conversation per invitation; a retry finds the one (and the provider) chosen the first time.</summary>
    private async Task<Guid> OpenConversationAsync(Invitation invitation, IChannelProvider provider, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO conversations (id, invitation_id, channel, provider, address_hash, state, current_position, created_at, updated_at)
            VALUES ({Guid.CreateVersion7()}, {invitation.Id}, {provider.Channel.ToString()}, {provider.Name}, {invitation.PhoneHash}, 'Active', 1, {now}, {now})
            ON CONFLICT (invitation_id) DO NOTHING
            """,
            ct);
        return await db.Conversations.Where(c => c.InvitationId == invitation.Id).Select(c => c.Id).SingleAsync(ct);
    }
}
