using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sipas.Bot.Channels;
using Sipas.Bot.Surveys;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Conversations;

/// <summary>
/// A citizen's message as every provider hands it over, whatever its protocol: who carries it, the address it came
/// from there (a phone, a chat id, a Zalo user id), the provider's own id for it (deduplication), the text typed or
/// the pressed button's payload, and the invitation code when the citizen arrived through a deep link.
/// </summary>
public sealed record IncomingMessage(IChannelProvider Provider, string Address, string ProviderMessageId, string Text, string? Payload = null, string? LinkCode = null)
{
    public ChannelKind Channel => Provider.Channel;
}

/// <summary>
/// Takes one inbound message through the conversation: stores it (once per provider message id), finds the citizen
/// (binding a new chat address when it brings an invitation code), records the answer, and asks the next question
/// (or thanks). The whole step is one transaction holding the conversation row locked, so a message delivered twice
/// by a provider, or two messages at once, never produce two answers; the reply is sent after the commit.
/// </summary>
public sealed partial class AdvanceConversation(
    SipasDbContext db,
    ContactDirectory contacts,
    OutboundMessenger messenger,
    ConversationTexts texts,
    QuestionnaireItems questionnaires,
    RecordAnswer recordAnswer,
    PersonalDataProtector personalData,
    SipasMetrics metrics,
    TimeProvider time,
    ILogger<AdvanceConversation> logger)
{
    /// <summary>Handles the message and returns the replies sent (none when it was a repeat).</summary>
    public async Task<IReadOnlyList<string>> HandleAsync(IncomingMessage message, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var inbound = new InboundMessage
        {
            Id = Guid.CreateVersion7(),
            Channel = message.Channel,
            Provider = message.Provider.Name,
            ProviderMessageId = message.ProviderMessageId,
            SenderHash = personalData.Hash(message.Address),
            SenderEncrypted = personalData.Encrypt(message.Address),
            Text = message.Text,
            Payload = message.Payload,
            ReceivedAt = now,
        };
        db.InboundMessages.Add(inbound);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            logger.LogInformation("Message {ProviderMessageId} from {Provider} was already handled", message.ProviderMessageId, message.Provider.Name);
            return [];
        }

        var linked = await LinkAsync(message, now, ct);
        var contactId = linked?.ContactId ?? await contacts.FindAsync(message.Provider, message.Address, ct);
        inbound.ContactId = contactId;
        var conversation = contactId is null ? null : await db.Conversations
            .FromSql($"SELECT * FROM conversations WHERE contact_id = {contactId} AND channel = {message.Channel.ToString()} AND state = 'Active' FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        inbound.ConversationId = conversation?.Id;

        MessageContent reply;
        if (ReplyParser.IsOptOut(message.Payload ?? message.Text))
        {
            if (contactId is { } optingOut)
            {
                await contacts.OptOutAsync(optingOut, message.Channel, onlyChannel: null, reason: "keyword", ct);
                logger.LogInformation("A citizen on {Channel} opted out of surveys", message.Channel);
            }

            reply = new MessageContent(MessagePurpose.OptOutConfirmation, texts.OptedOut());
        }
        else if (conversation is null)
        {
            reply = new MessageContent(MessagePurpose.Reply, texts.NoSurvey());
        }
        else if (linked is { } opened && opened.InvitationId == conversation.InvitationId)
        {
            reply = await CurrentQuestionAsync(conversation, ct);
        }
        else
        {
            reply = await AnswerAsync(conversation, message.Payload ?? message.Text, now, ct);
        }

        var outgoing = messenger.Compose(message.Provider, message.Address, contactId, reply, $"reply:{inbound.Id}", conversation?.InvitationId, conversation?.Id);
        db.OutboundMessages.Add(outgoing);
        var moves = InvitationMoves();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        metrics.ReplyReceived(message.Channel);
        moves.ForEach(move => metrics.InvitationMoved(move.From, move.To));

        await messenger.DeliverAsync(outgoing.Id, outgoing.Provider, ct);
        return [outgoing.Body];
    }

    /// <summary>
    /// A deep link's code (Telegram <c>/start CODE</c>), or a message that is nothing but an invitation code, binds
    /// the sender's address to the invitation's citizen and moves the invitation's chat here, if the survey is still
    /// open. Null when the message brings no valid code.
    /// </summary>
    private async Task<(Guid ContactId, Guid InvitationId)?> LinkAsync(IncomingMessage message, DateTimeOffset now, CancellationToken ct)
    {
        var code = message.LinkCode ?? (InvitationCode().IsMatch(message.Text.Trim()) ? message.Text.Trim() : null);
        if (code is null)
        {
            return null;
        }

        var invitation = await db.Invitations.AsNoTracking().Where(i => i.Code == code).Select(i => new { i.Id, i.ContactId, i.State, i.ExpiresAt }).SingleOrDefaultAsync(ct);
        if (invitation is null)
        {
            return null;
        }

        await contacts.BindAsync(invitation.ContactId, message.Provider, message.Address, ct);
        var open = invitation.State is InvitationState.Scheduled or InvitationState.Sent or InvitationState.Delivered or InvitationState.Started
                   && (invitation.ExpiresAt is null || invitation.ExpiresAt > now);
        if (open && message.Provider.Capabilities.TwoWay)
        {
            // The citizen chose this invitation here: any other chat of theirs on this channel gives way to it.
            await db.Conversations.Where(c => c.ContactId == invitation.ContactId && c.Channel == message.Channel && c.State == ConversationState.Active && c.InvitationId != invitation.Id)
                .EndAsync(now, ct);
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO conversations (id, invitation_id, channel, provider, contact_id, state, current_position, created_at, updated_at)
                VALUES ({Guid.CreateVersion7()}, {invitation.Id}, {message.Channel.ToString()}, {message.Provider.Name}, {invitation.ContactId}, 'Active', 1, {now}, {now})
                ON CONFLICT (invitation_id) DO UPDATE SET channel = excluded.channel, provider = excluded.provider, state = 'Active',
                    current_position = coalesce(conversations.current_position, 1), updated_at = excluded.updated_at
                WHERE conversations.state <> 'Completed'
                """,
                ct);
        }

        logger.LogInformation("A citizen opened invitation {InvitationId} on {Provider}", invitation.Id, message.Provider.Name);
        return (invitation.ContactId, invitation.Id);
    }

    private async Task<MessageContent> CurrentQuestionAsync(Conversation conversation, CancellationToken ct)
    {
        var invitation = await db.WithDossier().AsNoTracking().SingleAsync(i => i.Id == conversation.InvitationId, ct);
        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, ct);
        var item = items.Single(i => i.Position == conversation.CurrentPosition);
        var dossier = invitation.Dossier!;
        return new MessageContent(MessagePurpose.Question, texts.Invitation(dossier.Unit!.Name, dossier.Procedure?.Name, item, items.Count), ConversationTexts.Choices(item));
    }

    [GeneratedRegex("^[A-Za-z0-9]{10}$")]
    private static partial Regex InvitationCode();

    private async Task<MessageContent> AnswerAsync(Conversation conversation, string text, DateTimeOffset now, CancellationToken ct)
    {
        var invitation = await recordAnswer.LockAsync(conversation.InvitationId, ct);
        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, ct);
        var item = items.Single(i => i.Position == conversation.CurrentPosition);
        var parsed = ReplyParser.Parse(text, item);
        if (!parsed.IsValid)
        {
            return new MessageContent(MessagePurpose.Hint, texts.InvalidAnswer(text, item, items.Count), ConversationTexts.Choices(item));
        }

        var next = items.FirstOrDefault(i => i.Position > item.Position);
        var answer = new ItemAnswer(item.Code, parsed.Kind!.Value, parsed.Value, parsed.Text);
        await recordAnswer.RecordAsync(invitation, conversation.Channel, [answer], finished: next is null, now, ct);
        conversation.UpdatedAt = now;
        if (next is not null)
        {
            conversation.CurrentPosition = next.Position;
            return new MessageContent(MessagePurpose.Question, texts.Question(next, items.Count), ConversationTexts.Choices(next));
        }

        conversation.CurrentPosition = null;
        conversation.State = ConversationState.Completed;
        var unitName = await db.Dossiers.Where(d => d.Id == invitation.DossierId).Select(d => d.Unit!.Name).SingleAsync(ct);
        return new MessageContent(MessagePurpose.Thanks, texts.Thanks(unitName));
    }

    /// <summary>The invitation state changes this step is about to save, read from the change tracker so no branch has to report its own.</summary>
    private List<(InvitationState From, InvitationState To)> InvitationMoves() =>
        [.. db.ChangeTracker.Entries<Invitation>()
            .Select(e => e.Property(i => i.State))
            .Where(state => state.IsModified && state.OriginalValue != state.CurrentValue)
            .Select(state => (state.OriginalValue, state.CurrentValue))];
}
