using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sipas.Bot.Channels;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Conversations;

/// <summary>A citizen's message on any chat channel, as the provider that received it hands it over.</summary>
public sealed record InboundReply(IChannelProvider Provider, string Address, string ProviderMessageId, string Text)
{
    public ChannelKind Channel => Provider.Channel;
}

/// <summary>
/// Takes one reply through the conversation: stores it, records the answer, and asks the next question (or thanks).
/// The whole step is one transaction holding the conversation row locked, so a reply delivered twice by a
/// provider, or two replies at once, never produce two answers; the replies are sent after the commit.
/// </summary>
public sealed class AdvanceConversation(
    SipasDbContext db,
    OutboundMessenger messenger,
    ConversationTexts texts,
    QuestionnaireItems questionnaires,
    PersonalDataProtector personalData,
    SipasMetrics metrics,
    TimeProvider time,
    ILogger<AdvanceConversation> logger)
{
    public async Task<IReadOnlyList<string>> HandleAsync(InboundReply reply, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var addressHash = personalData.Hash(reply.Address);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var inbound = new InboundMessage
        {
            Id = Guid.CreateVersion7(),
            Channel = reply.Channel,
            ProviderMessageId = reply.ProviderMessageId,
            SenderHash = addressHash,
            SenderEncrypted = personalData.Encrypt(reply.Address),
            Text = reply.Text,
            ReceivedAt = now,
        };
        db.InboundMessages.Add(inbound);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            logger.LogInformation("Reply {ProviderMessageId} on {Channel} was already handled", reply.ProviderMessageId, reply.Channel);
            return [];
        }

        var conversation = await db.Conversations
            .FromSql($"SELECT * FROM conversations WHERE channel = {reply.Channel.ToString()} AND address_hash = {addressHash} AND state = 'Active' ORDER BY updated_at DESC LIMIT 1 FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        inbound.ConversationId = conversation?.Id;

        string answer;
        MessagePurpose purpose;
        if (ReplyParser.IsOptOut(reply.Text))
        {
            await OptOutAsync(reply.Channel, addressHash, now, ct);
            (answer, purpose) = (texts.OptedOut(), MessagePurpose.OptOutConfirmation);
        }
        else if (conversation is null)
        {
            (answer, purpose) = (texts.NoSurvey(), MessagePurpose.Reply);
        }
        else
        {
            (answer, purpose) = await AnswerAsync(conversation, reply.Text, now, ct);
        }

        var outgoing = messenger.Compose(reply.Provider, reply.Address, purpose, answer, $"reply:{inbound.Id}", conversation?.InvitationId, conversation?.Id);
        db.OutboundMessages.Add(outgoing);
        var moves = InvitationMoves();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        metrics.ReplyReceived(reply.Channel);
        moves.ForEach(move => metrics.InvitationMoved(move.From, move.To));

        await messenger.DeliverAsync(outgoing.Id, ct);
        return [answer];
    }

    private async Task<(string Text, MessagePurpose Purpose)> AnswerAsync(Conversation conversation, string text, DateTimeOffset now, CancellationToken ct)
    {
        var invitation = await db.WithDossier().SingleAsync(i => i.Id == conversation.InvitationId, ct);
        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, ct);
        var item = items.Single(i => i.Position == conversation.CurrentPosition);
        var parsed = ReplyParser.Parse(text, item);
        if (!parsed.IsValid)
        {
            return (texts.InvalidAnswer(text, item, items.Count), MessagePurpose.Question);
        }

        var response = await db.Responses.SingleOrDefaultAsync(r => r.InvitationId == invitation.Id, ct);
        if (response is null)
        {
            response = new Response
            {
                Id = Guid.CreateVersion7(),
                InvitationId = invitation.Id,
                QuestionnaireId = invitation.QuestionnaireId,
                Channel = conversation.Channel,
                StartedAt = now,
                IsLate = invitation.ExpiresAt < now,
            };
            db.Responses.Add(response);
        }

        db.Answers.Add(new Answer
        {
            Id = Guid.CreateVersion7(),
            ResponseId = response.Id,
            ItemCode = item.Code,
            Kind = parsed.Kind!.Value,
            Value = parsed.Value,
            Text = parsed.Text,
            AnsweredAt = now,
        });

        invitation.StartedAt ??= now;
        invitation.UpdatedAt = now;
        conversation.UpdatedAt = now;
        var next = items.FirstOrDefault(i => i.Position > item.Position);
        if (next is not null)
        {
            conversation.CurrentPosition = next.Position;
            if (invitation.State is InvitationState.Scheduled or InvitationState.Sent or InvitationState.Delivered)
            {
                invitation.State = InvitationState.Started;
            }

            return (texts.Question(next, items.Count), MessagePurpose.Question);
        }

        conversation.CurrentPosition = null;
        conversation.State = ConversationState.Completed;
        response.CompletedAt = now;
        invitation.CompletedAt = now;
        invitation.State = InvitationState.Completed;
        return (texts.Thanks(invitation.Dossier!.Unit!.Name), MessagePurpose.Thanks);
    }

    /// <summary>The invitation state changes this step is about to save, read from the change tracker so no branch has to report its own.</summary>
    private List<(InvitationState From, InvitationState To)> InvitationMoves() =>
        [.. db.ChangeTracker.Entries<Invitation>()
            .Select(e => e.Property(i => i.State))
            .Where(state => state.IsModified && state.OriginalValue != state.CurrentValue)
            .Select(state => (state.OriginalValue, state.CurrentValue))];

    private async Task OptOutAsync(ChannelKind channel, byte[] addressHash, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO opt_outs (id, phone_hash, channel, reason, opted_out_at) VALUES ({Guid.CreateVersion7()}, {addressHash}, {channel.ToString()}, 'keyword', {now})
            ON CONFLICT (phone_hash) WHERE opted_in_at IS NULL DO NOTHING
            """,
            ct);
        await db.Conversations.Where(c => c.AddressHash == addressHash && c.State == ConversationState.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ConversationState.Ended).SetProperty(c => c.CurrentPosition, (int?)null).SetProperty(c => c.UpdatedAt, now), ct);
        logger.LogInformation("A citizen on {Channel} opted out of surveys", channel);
    }
}
