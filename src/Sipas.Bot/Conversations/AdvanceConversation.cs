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
/// (binding a new chat address when it brings an invitation code), reads the reply against the waiting question
/// (<see cref="ReplyParser"/>), records answers through <see cref="RecordAnswer"/>, and answers: the next question,
/// a hint, help, the offer to keep a comment, thanks, or, after the end, "already recorded" / "survey closed".
/// Opt-out is read before anything else. The step is one transaction that locks the invitation row and then the
/// conversation row (the house's lock order) and reads the conversation again under the locks, so two replies at
/// once apply one after the other to the position each finds, and a provider's duplicate delivery is stopped by
/// the unique provider message id. The reply is sent after the commit.
/// </summary>
public sealed partial class AdvanceConversation(
    SipasDbContext db,
    ContactDirectory contacts,
    OutboundMessenger messenger,
    ConversationTexts texts,
    QuestionnaireItems questionnaires,
    InvitationTemplateData templateData,
    RecordAnswer recordAnswer,
    PersonalDataProtector personalData,
    SipasMetrics metrics,
    TimeProvider time,
    ILogger<AdvanceConversation> logger)
{
    /// <summary>How long after its survey closed a citizen's reply is still kept (as a late answer) rather than met with "no survey".</summary>
    public static readonly TimeSpan LateReplyWindow = TimeSpan.FromDays(7);

    /// <summary>Replies not understood on one question before it is skipped.</summary>
    public const int MissesBeforeSkip = 2;

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
        var step = await RespondAsync(message, contactId, linked?.InvitationId, now, ct);
        inbound.ConversationId = step.ConversationId;

        var outgoing = messenger.Compose(message.Provider, message.Address, contactId, step.Reply, $"reply:{inbound.Id}", step.InvitationId, step.ConversationId);
        db.OutboundMessages.Add(outgoing);
        var moves = InvitationMoves();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        metrics.ReplyReceived(message.Channel);
        moves.ForEach(move => metrics.InvitationMoved(move.From, move.To));

        await messenger.DeliverAsync(outgoing.Id, outgoing.Provider, ct);
        return [outgoing.Body];
    }

    /// <summary>What this step answers, and the invitation and conversation the exchange belongs to (if any).</summary>
    private sealed record Step(MessageContent Reply, Guid? InvitationId = null, Guid? ConversationId = null);

    /// <summary>One reply to the waiting question: the locked invitation and conversation, the questionnaire and the item asked.</summary>
    private sealed record Turn(Invitation Invitation, Conversation Conversation, IReadOnlyList<QuestionnaireItem> Items, QuestionnaireItem Item, DateTimeOffset Now)
    {
        public Step Say(MessagePurpose purpose, string text, IReadOnlyList<MessageChoice>? choices = null) =>
            new(new MessageContent(purpose, text, choices), Invitation.Id, Conversation.Id);

        /// <summary>The free-text item a comment is kept as (the questionnaire's last), if it has one.</summary>
        public QuestionnaireItem? CommentItem => Items.LastOrDefault(i => i.Kind == ItemKind.Text);
    }

    private async Task<Step> RespondAsync(IncomingMessage message, Guid? contactId, Guid? linkedInvitationId, DateTimeOffset now, CancellationToken ct)
    {
        var text = message.Payload ?? message.Text;
        if (ReplyParser.Parse(text, expects: null) is Reply.OptOut)
        {
            if (contactId is { } optingOut)
            {
                await contacts.OptOutAsync(optingOut, message.Channel, onlyChannel: null, reason: "keyword", ct);
                logger.LogInformation("A citizen on {Channel} opted out of surveys", message.Channel);
            }

            return new Step(new MessageContent(MessagePurpose.OptOutConfirmation, texts.OptedOut()));
        }

        if (contactId is not { } contact)
        {
            return new Step(new MessageContent(MessagePurpose.Reply, texts.NoSurvey()));
        }

        var open = await db.Conversations.AsNoTracking()
            .Where(c => c.ContactId == contact && c.Channel == message.Channel && c.State == ConversationState.Active)
            .Select(c => new { c.Id, c.InvitationId, c.CurrentPosition })
            .SingleOrDefaultAsync(ct);
        if (open is { CurrentPosition: { } position } && open.InvitationId == linkedInvitationId)
        {
            return await GreetAsync(open.InvitationId, open.Id, position, ct);
        }

        if (open is not null)
        {
            // Lock order: the invitation, then the conversation. Read again under the locks: a reply that held them
            // first may have moved it on, completed it, or an opt-out ended it.
            var invitation = await recordAnswer.LockAsync(open.InvitationId, ct);
            var conversation = await db.Conversations.FromSql($"SELECT * FROM conversations WHERE id = {open.Id} FOR UPDATE").SingleAsync(ct);
            if (conversation is { State: ConversationState.Active, CurrentPosition: { } waiting })
            {
                var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, ct);
                return await StepAsync(new Turn(invitation, conversation, items, items.Single(i => i.Position == waiting), now), text, ct);
            }
        }

        return await AfterEndAsync(contact, message.Channel, text, now, ct);
    }

    /// <summary>The citizen opened the invitation's deep link: the greeting naming the dossier and the waiting question.</summary>
    private async Task<Step> GreetAsync(Guid invitationId, Guid conversationId, int position, CancellationToken ct)
    {
        var invitation = await db.WithDossier().AsNoTracking().SingleAsync(i => i.Id == invitationId, ct);
        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, ct);
        var item = items.Single(i => i.Position == position);
        var content = new MessageContent(MessagePurpose.Question, texts.Invitation(templateData.For(invitation), item, items.Count), ConversationTexts.Choices(item));
        return new Step(content, invitationId, conversationId);
    }

    private async Task<Step> StepAsync(Turn turn, string text, CancellationToken ct)
    {
        var (_, conversation, items, item, now) = turn;
        conversation.UpdatedAt = now;
        if (conversation.PendingComment is { } pending)
        {
            conversation.PendingComment = null;
            switch (ReplyParser.Parse(text, ItemKind.YesNo))
            {
                case Reply.YesNo { Yes: true }:
                    return await KeepCommentAsync(turn, pending, ct);
                case Reply.YesNo:
                    return Ask(turn, texts.CommentNotKept(), item);
                case Reply.Help:
                    conversation.PendingComment = pending;
                    return turn.Say(MessagePurpose.Question, texts.Help() + "\n" + texts.CommentOffer(pending), ConversationTexts.YesNoChoices);
            }

            // Neither CÓ nor KHÔNG: the citizen went back to the question, so the reply answers it.
        }

        switch (ReplyParser.Parse(text, item.Kind, item.AllowsNotApplicable))
        {
            case Reply.Rating rating:
                return await AnswerAsync(turn, new ItemAnswer(item.Code, AnswerKind.Scale, rating.Value), lead: null, ct);
            case Reply.YesNo yesNo:
                return await AnswerAsync(turn, new ItemAnswer(item.Code, AnswerKind.YesNo, yesNo.Yes ? 1 : 0), lead: null, ct);
            case Reply.NotApplicable:
                return await AnswerAsync(turn, new ItemAnswer(item.Code, AnswerKind.NotApplicable), lead: null, ct);
            case Reply.Skip:
                return await AnswerAsync(turn, new ItemAnswer(item.Code, AnswerKind.Skipped), lead: null, ct);
            case Reply.Text comment:
                return await AnswerAsync(turn, new ItemAnswer(item.Code, AnswerKind.Text, Text: comment.Value), comment.Cut ? texts.TextCut() : null, ct);
            case Reply.Help:
                return Ask(turn, texts.Help(), item, MessagePurpose.Hint);
            case Reply.OptIn:
                await contacts.OptInAsync(conversation.ContactId, ct);
                return Ask(turn, texts.OptedIn(), item);
            case Reply.LooksLikeComment comment when turn.CommentItem is not null:
                conversation.PendingComment = comment.Value;
                return turn.Say(MessagePurpose.Question, texts.CommentOffer(comment.Value), ConversationTexts.YesNoChoices);
            default:
                return await MissAsync(turn, text, ct);
        }
    }

    /// <summary>A reply not understood: one hint and the same question; the second miss on the question skips it.</summary>
    private async Task<Step> MissAsync(Turn turn, string text, CancellationToken ct)
    {
        turn.Conversation.Misses++;
        if (turn.Conversation.Misses < MissesBeforeSkip)
        {
            return Ask(turn, texts.InvalidAnswer(text, turn.Item), turn.Item, MessagePurpose.Hint);
        }

        logger.LogInformation("Question {ItemCode} of invitation {InvitationId} skipped after {Misses} replies not understood", turn.Item.Code, turn.Invitation.Id, turn.Conversation.Misses);
        return await AnswerAsync(turn, new ItemAnswer(turn.Item.Code, AnswerKind.Skipped), texts.Skipped(), ct);
    }

    /// <summary>Records the answer to the waiting item and moves to the next unanswered one, or thanks the citizen at the end.</summary>
    private async Task<Step> AnswerAsync(Turn turn, ItemAnswer answer, string? lead, CancellationToken ct)
    {
        var (invitation, conversation, items, item, now) = turn;
        var answered = await AnsweredItemsAsync(invitation.Id, ct);
        var next = items.FirstOrDefault(i => i.Position > item.Position && !answered.Contains(i.Code));
        var recorded = await recordAnswer.RecordAsync(invitation, invitation.QuestionnaireId, conversation.Channel, [answer], finished: next is null, now, ct);
        if (await ClosedAsync(turn, recorded, ct) is { } closed)
        {
            return closed;
        }

        conversation.Misses = 0;
        if (next is not null)
        {
            conversation.CurrentPosition = next.Position;
            return Ask(turn, lead, next);
        }

        conversation.CurrentPosition = null;
        conversation.State = ConversationState.Completed;
        var unitName = await db.Dossiers.Where(d => d.Id == invitation.DossierId).Select(d => d.Unit!.Name).SingleAsync(ct);
        var thanks = texts.Thanks(unitName);
        return turn.Say(MessagePurpose.Thanks, lead is null ? thanks : lead + "\n" + thanks);
    }

    /// <summary>The citizen said CÓ: their earlier words become the comment, and the question they had not answered is asked again.</summary>
    private async Task<Step> KeepCommentAsync(Turn turn, string comment, CancellationToken ct)
    {
        var answer = new ItemAnswer(turn.CommentItem!.Code, AnswerKind.Text, Text: comment);
        var recorded = await recordAnswer.RecordAsync(turn.Invitation, turn.Invitation.QuestionnaireId, turn.Conversation.Channel, [answer], finished: false, turn.Now, ct);
        return await ClosedAsync(turn, recorded, ct) ?? Ask(turn, texts.CommentKept(), turn.Item);
    }

    /// <summary>
    /// When the recording found the survey finished elsewhere (a web form, a Zalo rating) or already expired, the chat
    /// ends here with the matching answer; null when it goes on.
    /// </summary>
    private async Task<Step?> ClosedAsync(Turn turn, AnswersRecorded recorded, CancellationToken ct)
    {
        var conversation = turn.Conversation;
        switch (recorded.Outcome)
        {
            case RecordOutcome.AlreadyCompleted:
                conversation.State = ConversationState.Completed;
                break;
            case RecordOutcome.RecordedLate:
                conversation.State = ConversationState.Ended;
                break;
            default:
                return null;
        }

        conversation.CurrentPosition = null;
        conversation.PendingComment = null;
        return recorded.Outcome == RecordOutcome.AlreadyCompleted
            ? turn.Say(MessagePurpose.Reply, texts.AlreadyRecorded())
            : turn.Say(MessagePurpose.Reply, texts.SurveyClosed(await ProcedureNameAsync(turn.Invitation.DossierId, ct), kept: true));
    }

    private Step Ask(Turn turn, string? lead, QuestionnaireItem item, MessagePurpose purpose = MessagePurpose.Question) =>
        turn.Say(purpose, texts.Ask(lead, item, turn.Items.Count), ConversationTexts.Choices(item));

    /// <summary>
    /// A message with no open conversation: ĐỒNG Ý opts back in; otherwise it is read against the contact's latest
    /// conversation on this channel that ended in the last <see cref="LateReplyWindow"/>: a completed one gets
    /// "already recorded", one closed by expiry keeps the reply as a late answer (not counted).
    /// </summary>
    private async Task<Step> AfterEndAsync(Guid contactId, ChannelKind channel, string text, DateTimeOffset now, CancellationToken ct)
    {
        if (ReplyParser.Parse(text, expects: null) is Reply.OptIn)
        {
            var lifted = await contacts.OptInAsync(contactId, ct);
            logger.LogInformation("A citizen on {Channel} opted in to surveys again ({Lifted} refusals lifted)", channel, lifted);
            return new Step(new MessageContent(MessagePurpose.OptOutConfirmation, texts.OptedIn()));
        }

        var noSurvey = new Step(new MessageContent(MessagePurpose.Reply, texts.NoSurvey()));
        if (await contacts.IsOptedOutAsync(contactId, channel, ct))
        {
            return noSurvey;
        }

        var since = now - LateReplyWindow;
        var last = await (
                from c in db.Conversations
                join i in db.Invitations on c.InvitationId equals i.Id
                where c.ContactId == contactId && c.Channel == channel && c.State != ConversationState.Active && c.UpdatedAt > since
                orderby c.UpdatedAt descending
                select new { c.Id, c.InvitationId, c.State, InvitationState = i.State })
            .FirstOrDefaultAsync(ct);
        if (last is null)
        {
            return noSurvey;
        }

        if (last.State == ConversationState.Completed || last.InvitationState == InvitationState.Completed)
        {
            return new Step(new MessageContent(MessagePurpose.Reply, texts.AlreadyRecorded()), last.InvitationId, last.Id);
        }

        return last.InvitationState is InvitationState.Expired or InvitationState.Partial
            ? await LateAsync(last.InvitationId, last.Id, channel, text, now, ct)
            : noSurvey;
    }

    /// <summary>A reply after the survey closed: kept as a late answer to the first unanswered question (not counted), and the citizen told so.</summary>
    private async Task<Step> LateAsync(Guid invitationId, Guid conversationId, ChannelKind channel, string text, DateTimeOffset now, CancellationToken ct)
    {
        var invitation = await recordAnswer.LockAsync(invitationId, ct);
        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, ct);
        var answered = await AnsweredItemsAsync(invitationId, ct);
        var waiting = items.FirstOrDefault(i => !answered.Contains(i.Code));
        var comment = items.LastOrDefault(i => i.Kind == ItemKind.Text && !answered.Contains(i.Code));
        var answer = waiting is null ? null : ReplyParser.Parse(text, waiting.Kind, waiting.AllowsNotApplicable) switch
        {
            Reply.Rating rating => new ItemAnswer(waiting.Code, AnswerKind.Scale, rating.Value),
            Reply.YesNo yesNo => new ItemAnswer(waiting.Code, AnswerKind.YesNo, yesNo.Yes ? 1 : 0),
            Reply.NotApplicable => new ItemAnswer(waiting.Code, AnswerKind.NotApplicable),
            Reply.Text words => new ItemAnswer(waiting.Code, AnswerKind.Text, Text: words.Value),
            Reply.LooksLikeComment words when comment is not null => new ItemAnswer(comment.Code, AnswerKind.Text, Text: words.Value),
            _ => null,
        };

        var kept = false;
        if (answer is not null)
        {
            var recorded = await recordAnswer.RecordAsync(invitation, invitation.QuestionnaireId, channel, [answer], finished: false, now, ct);
            if (recorded.Outcome == RecordOutcome.AlreadyCompleted)
            {
                return new Step(new MessageContent(MessagePurpose.Reply, texts.AlreadyRecorded()), invitationId, conversationId);
            }

            kept = true;
            logger.LogInformation("A reply after invitation {InvitationId} closed was kept as a late answer to {ItemCode}", invitationId, answer.ItemCode);
        }

        var closed = texts.SurveyClosed(await ProcedureNameAsync(invitation.DossierId, ct), kept);
        return new Step(new MessageContent(MessagePurpose.Reply, closed), invitationId, conversationId);
    }

    private async Task<HashSet<string>> AnsweredItemsAsync(Guid invitationId, CancellationToken ct) =>
        [.. await db.Answers.Where(a => db.Responses.Any(r => r.Id == a.ResponseId && r.InvitationId == invitationId)).Select(a => a.ItemCode).ToListAsync(ct)];

    private Task<string?> ProcedureNameAsync(Guid dossierId, CancellationToken ct) =>
        db.Dossiers.Where(d => d.Id == dossierId).Select(d => d.Procedure == null ? null : d.Procedure.Name).SingleAsync(ct);

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
            // Lock order: the invitation before any conversation row.
            await recordAnswer.LockAsync(invitation.Id, ct);
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

    [GeneratedRegex("^[A-Za-z0-9]{10}$")]
    private static partial Regex InvitationCode();

    /// <summary>The invitation state changes this step is about to save, read from the change tracker so no branch has to report its own.</summary>
    private List<(InvitationState From, InvitationState To)> InvitationMoves() =>
        [.. db.ChangeTracker.Entries<Invitation>()
            .Select(e => e.Property(i => i.State))
            .Where(state => state.IsModified && state.OriginalValue != state.CurrentValue)
            .Select(state => (state.OriginalValue, state.CurrentValue))];
}
