using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sipas.Bot.Channels;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Conversations;

/// <summary>
/// Sends one invitation on the first channel that can carry it, falling back along the unit's order when a provider
/// cannot reach the citizen or is paused. On a two-way provider it opens the chat (greeting + first question); on a
/// one-way or template provider it sends the web form's link (and the Telegram deep link). Each provider's message is
/// stored under a key of the invitation and the provider, so re-running this finds the same message and the citizen
/// gets it once. Under a rate limit the provider's slot is reserved first: one starting later than the dispatcher allows
/// (<see cref="DispatchOptions.LongestRateLimitWait"/> after the claim) defers the invitation to that slot, which stays
/// its own, instead of holding the claim while it waits; so a backlog at the window's start drains at the limit, visibly.
/// </summary>
public sealed class SendInvitation(
    SipasDbContext db,
    ChannelRouter router,
    ProviderPauses pauses,
    ContactDirectory contacts,
    OutboundMessenger messenger,
    ConversationTexts texts,
    QuestionnaireItems questionnaires,
    InvitationTemplateData templateData,
    RateLimiter rateLimiter,
    TimeProvider time)
{
    /// <summary>How long an invitation waits when the citizen still has another survey open on the chosen channel.</summary>
    public static readonly TimeSpan WaitForOpenSurvey = TimeSpan.FromMinutes(30);

    /// <param name="invitation">Loaded with its dossier (unit, procedure) and contact, as <see cref="InvitationSender"/> prepares it.</param>
    /// <param name="optedOutOf">The channels the citizen has opted out of (an opt-out of every channel skips the invitation before this).</param>
    /// <param name="heldSlot">The rate-limit slot reserved when this invitation was deferred to it; used instead of a new one on that provider.</param>
    /// <param name="latestSlot">A rate-limit slot starting after this defers the invitation to it.</param>
    public async Task<SendOutcome> SendAsync(
        Invitation invitation, IReadOnlyCollection<ChannelKind> optedOutOf, HeldRateSlot? heldSlot, DateTimeOffset latestSlot, CancellationToken cancellationToken)
    {
        var dossier = invitation.Dossier!;
        var failures = new List<string>();
        var paused = new List<(string? Key, DateTimeOffset Until)>();
        foreach (var provider in router.Candidates(dossier.Unit!.Code, dossier.PreferredChannel).Where(p => !optedOutOf.Contains(p.Channel)))
        {
            if (await pauses.PausedUntilAsync(provider.Name, cancellationToken) is { } pausedUntil)
            {
                paused.Add((null, pausedUntil));
                failures.Add($"{provider.Name}: paused after a configuration error");
                continue;
            }

            if (await contacts.AddressForAsync(invitation.Contact!, provider, cancellationToken) is not { } address)
            {
                continue;
            }

            var slot = heldSlot is { } held && held.Provider == provider.Name ? held.Slot : await rateLimiter.ReserveAsync(provider.Name, cancellationToken);
            // A slot already due is taken even past the latest one (a slow start of the batch is not the limit's doing).
            if (slot is not null && slot.StartsAt > latestSlot && slot.Wait > TimeSpan.Zero)
            {
                return new SendOutcome.Deferred(
                    DecisionRules.RateLimit,
                    $"{provider.Name}'s next rate-limit slot is at {slot.StartsAt:O}.",
                    slot.StartsAt,
                    PolicyDecision.ToJson(new { provider = provider.Name, ratePerSecond = rateLimiter.RateOf(provider.Name), slot = slot.StartsAt }));
            }

            var key = $"invitation:{invitation.Id}:{provider.Name}";
            var message = await ComposeAsync(invitation, provider, address, key, cancellationToken);
            if (message is null)
            {
                return new SendOutcome.Deferred(
                    DecisionRules.OpenSurvey,
                    $"The citizen still has another survey open on {provider.Channel}.",
                    time.GetUtcNow() + WaitForOpenSurvey,
                    PolicyDecision.ToJson(new { channel = provider.Channel.ToString(), provider = provider.Name, wait = WaitForOpenSurvey.ToString() }));
            }

            switch (await messenger.StoreAndDeliverAsync(message, slot, cancellationToken))
            {
                case Delivery.Accepted accepted:
                    await CancelPausedAsync(paused, provider, cancellationToken);
                    return new SendOutcome.Sent(accepted.Channel, provider.Name, accepted.Delivered);
                case Delivery.Unknown unknown:
                    await CancelPausedAsync(paused, provider, cancellationToken);
                    return new SendOutcome.Sent(unknown.Channel, provider.Name, Delivered: false, Uncertain: true);
                case Delivery.RetryLater { ProviderPaused: true } later:
                    paused.Add((key, later.At));
                    failures.Add($"{provider.Name}: {later.Error}");
                    await EndConversationAsync(invitation.Id, provider, cancellationToken);
                    continue;
                case Delivery.RetryLater later:
                    return new SendOutcome.Failed($"{provider.Name}: {later.Error}", later.At);
                case Delivery.Failed failed:
                    failures.Add($"{provider.Name}: {failed.Error}");
                    await EndConversationAsync(invitation.Id, provider, cancellationToken);
                    continue;
            }
        }

        if (paused.Count > 0)
        {
            return new SendOutcome.Failed(string.Join(" | ", failures), paused.Min(p => p.Until));
        }

        return failures.Count == 0
            ? new SendOutcome.Skipped(SkipReason.NoChannel, PolicyDecision.ToJson(new { unit = dossier.Unit.Code, preferredChannel = dossier.PreferredChannel?.ToString(), optedOutOf = optedOutOf.Select(c => c.ToString()) }))
            : new SendOutcome.Failed(string.Join(" | ", failures), RetryAt: null);
    }

    /// <summary>The invitation as <paramref name="provider"/> can carry it; null when a chat cannot open because another survey is open there.</summary>
    private async Task<OutboundMessage?> ComposeAsync(Invitation invitation, IChannelProvider provider, string address, string key, CancellationToken ct)
    {
        var data = templateData.For(invitation);
        if (!provider.Capabilities.TwoWay)
        {
            var content = new MessageContent(MessagePurpose.Invitation, texts.LinkInvitation(data), Data: data);
            return messenger.Compose(provider, address, invitation.ContactId, content, key, invitation.Id, conversationId: null);
        }

        if (await OpenConversationAsync(invitation, provider, ct) is not { } conversationId)
        {
            return null;
        }

        var items = await questionnaires.OfAsync(db, invitation.QuestionnaireId, ct);
        var chat = new MessageContent(
            MessagePurpose.Invitation, texts.Invitation(data, items[0], items.Count), ConversationTexts.Choices(items[0]), data);
        return messenger.Compose(provider, address, invitation.ContactId, chat, key, invitation.Id, conversationId);
    }

    /// <summary>
    /// One conversation per invitation, and at most one open per contact and channel. A retry finds the one opened
    /// the first time; a fallback moves it to the new provider. Null when the contact has another survey open there.
    /// </summary>
    private async Task<Guid?> OpenConversationAsync(Invitation invitation, IChannelProvider provider, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO conversations (id, invitation_id, channel, provider, contact_id, state, current_position, created_at, updated_at)
            VALUES ({Guid.CreateVersion7()}, {invitation.Id}, {provider.Channel.ToString()}, {provider.Name}, {invitation.ContactId}, 'Active', 1, {now}, {now})
            ON CONFLICT DO NOTHING
            """,
            ct);
        var conversation = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.InvitationId == invitation.Id, ct);
        if (conversation is null)
        {
            return null;
        }

        if (conversation.Provider != provider.Name)
        {
            try
            {
                // Falling back from a provider that could not send the first message: the chat starts again here.
                await db.Conversations.Where(c => c.Id == conversation.Id && !db.Responses.Any(r => r.InvitationId == invitation.Id))
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(c => c.Provider, provider.Name).SetProperty(c => c.Channel, provider.Channel)
                            .SetProperty(c => c.State, ConversationState.Active).SetProperty(c => c.CurrentPosition, 1).SetProperty(c => c.UpdatedAt, now),
                        ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return null;
            }
        }

        return conversation.Id;
    }

    /// <summary>A chat whose first message could not go out on this provider is not left open there.</summary>
    private Task<int> EndConversationAsync(Guid invitationId, IChannelProvider provider, CancellationToken ct) =>
        db.Conversations.Where(c => c.InvitationId == invitationId && c.Provider == provider.Name && c.State == ConversationState.Active)
            .EndAsync(time.GetUtcNow(), ct);

    private async Task CancelPausedAsync(List<(string? Key, DateTimeOffset Until)> paused, IChannelProvider usedInstead, CancellationToken ct)
    {
        foreach (var key in paused.Select(p => p.Key).OfType<string>())
        {
            await messenger.CancelWaitingAsync(key, $"Sent on {usedInstead.Name} instead while this provider was paused.", ct);
        }
    }
}

/// <summary>A rate-limit slot reserved for an invitation when it was deferred to it (<see cref="DecisionRules.RateLimit"/>).</summary>
public sealed record HeldRateSlot(string Provider, RateSlot Slot);
