using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;
using Sipas.Data.Privacy;
using Sipas.Scheduler.Messages;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Channels;

/// <summary>
/// Sends stored outbound messages, each attempt in three steps with no transaction around the provider call:
/// claim (Pending → Sending, attempts + 1, a lease), call the provider under <c>Messages:SendTimeout</c>, record the
/// outcome (Accepted, Pending again after a back-off, Failed, or Unknown). A message caught in Sending after its
/// lease — the sender died mid-call — is sent again only when its provider makes that safe; otherwise it becomes
/// Unknown and is never repeated. So each message reaches a provider without idempotency at most once, and a
/// provider with it (or the simulator) at least once.
/// </summary>
public sealed class OutboundMessenger(
    SipasDbContext db,
    NpgsqlDataSource dataSource,
    ChannelRouter router,
    ProviderPauses pauses,
    RateLimiter rateLimiter,
    MessageGroupWrites groupWrites,
    ContactDirectory contacts,
    PersonalDataProtector personalData,
    Failpoints failpoints,
    SipasMetrics metrics,
    IOptions<MessageOptions> options,
    TimeProvider time,
    ILogger<OutboundMessenger> logger) : IPendingMessageDelivery
{
    private const string ClaimSql = """
        UPDATE outbound_messages SET state = 'Sending', attempts = attempts + 1, claimed_until = @until
        WHERE id = @id AND state = 'Pending' AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
        RETURNING attempts
        """;

    /// <summary>The message <paramref name="provider"/> will carry to <paramref name="address"/>, in the form the provider can send.</summary>
    public OutboundMessage Compose(
        IChannelProvider provider, string address, Guid? contactId, MessageContent content, string idempotencyKey, Guid? invitationId, Guid? conversationId) => new()
    {
        Id = Guid.CreateVersion7(),
        IdempotencyKey = idempotencyKey,
        InvitationId = invitationId,
        ConversationId = conversationId,
        ContactId = contactId,
        Channel = provider.Channel,
        Provider = provider.Name,
        Purpose = content.Purpose,
        RecipientHash = personalData.Hash(address),
        RecipientEncrypted = personalData.Encrypt(address),
        Body = ProviderText.For(provider.Capabilities, content.Text),
        Choices = provider.Capabilities.Buttons && content.Choices is { } choices ? [.. choices] : [],
        Data = content.Data is { } data ? new Dictionary<string, string>(data, StringComparer.Ordinal) : [],
        State = OutboundState.Pending,
        CreatedAt = time.GetUtcNow(),
    };

    /// <summary>
    /// Stores the message unless one with its key exists, then delivers whichever is stored. A new message is stored
    /// already claimed for its first attempt (state Sending, one attempt, a lease), so the first send costs one
    /// round trip before the provider call; a stored one goes through <see cref="DeliverAsync"/>. A new message sent
    /// at once uses <paramref name="reservedSlot"/>, the provider's rate-limit slot its caller reserved, instead of reserving one.
    /// </summary>
    public async Task<Delivery> StoreAndDeliverAsync(OutboundMessage message, RateSlot? reservedSlot, CancellationToken ct)
    {
        if (await pauses.PausedUntilAsync(message.Provider, ct) is not null)
        {
            await groupWrites.InsertAsync(message, claimedUntil: null, ct);
            return await DeliverAsync(await StoredIdAsync(message.IdempotencyKey, ct), message.Provider, ct);
        }

        var now = time.GetUtcNow();
        if (!await groupWrites.InsertAsync(message, claimedUntil: now + options.Value.SendLease, ct))
        {
            return await DeliverAsync(await StoredIdAsync(message.IdempotencyKey, ct), message.Provider, ct);
        }

        return await SendClaimedAsync(message, attempt: 1, reservedSlot, ct);
    }

    private Task<Guid> StoredIdAsync(string idempotencyKey, CancellationToken ct) =>
        db.OutboundMessages.Where(m => m.IdempotencyKey == idempotencyKey).Select(m => m.Id).SingleAsync(ct);

    /// <summary>A message that waits for a paused provider is not wanted any more: the invitation went out on another channel.</summary>
    public Task<int> CancelWaitingAsync(string idempotencyKey, string reason, CancellationToken ct) =>
        db.OutboundMessages.Where(m => m.IdempotencyKey == idempotencyKey && m.State == OutboundState.Pending).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.State, OutboundState.Cancelled).SetProperty(m => m.Error, reason).SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null),
            ct);

    async Task<bool> IPendingMessageDelivery.DeliverAsync(Guid messageId, string provider, CancellationToken cancellationToken) =>
        await DeliverAsync(messageId, provider, cancellationToken) is Delivery.Accepted;

    /// <summary>
    /// One attempt at a stored message, if it is due and nobody else is sending it; otherwise what became of it.
    /// A paused provider is not called.
    /// </summary>
    public async Task<Delivery> DeliverAsync(Guid messageId, string provider, CancellationToken ct)
    {
        if (await pauses.PausedUntilAsync(provider, ct) is { } pausedUntil)
        {
            return new Delivery.RetryLater($"Provider {provider} is paused after a configuration error.", pausedUntil, ProviderPaused: true);
        }

        var now = time.GetUtcNow();
        if (await ClaimAsync(messageId, now, ct) is not { } attempt)
        {
            return await ResolveUnclaimedAsync(messageId, now, ct);
        }

        var message = await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.Id == messageId, ct);
        return await SendClaimedAsync(message, attempt, reservedSlot: null, ct);
    }

    /// <summary>
    /// The provider call and its record, for a message this sender has claimed (state Sending). The provider's rate
    /// limit is waited for right before the call, so requests reach the provider paced, not merely reserved paced;
    /// a long wait renews the claim first.
    /// </summary>
    private async Task<Delivery> SendClaimedAsync(OutboundMessage message, int attempt, RateSlot? reservedSlot, CancellationToken ct)
    {
        if (await rateLimiter.WaitTurnAsync(message.Provider, reservedSlot, ct) > options.Value.SendLease - options.Value.SendTimeout)
        {
            await db.OutboundMessages.Where(m => m.Id == message.Id && m.State == OutboundState.Sending)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, time.GetUtcNow() + options.Value.SendLease), ct);
        }

        var carrier = router.Get(message.Provider);
        var started = time.GetTimestamp();
        var result = carrier is { IsEnabled: true }
            ? await CallAsync(carrier, message, ct)
            : new ChannelSendResult.Failed($"Provider '{message.Provider}' is not enabled.", FailureKind.Transient);
        failpoints.Hit(Failpoints.AfterProviderCall);
        var delivery = await RecordAsync(message, attempt, carrier?.ResendIsSafe ?? false, result, ct);
        Count(message, delivery, time.GetElapsedTime(started));
        return delivery;
    }

    private void Count(OutboundMessage message, Delivery delivery, TimeSpan took)
    {
        switch (delivery)
        {
            case Delivery.Accepted:
                metrics.MessageSent(message.Channel, message.Provider, took);
                break;
            case Delivery.Unknown:
                metrics.MessageOutcomeUnknown(message.Channel, message.Provider, took);
                break;
            default:
                metrics.MessageFailed(message.Channel, message.Provider, took, retryable: delivery is Delivery.RetryLater);
                break;
        }
    }

    private async Task<int?> ClaimAsync(Guid messageId, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(ClaimSql);
        command.Parameters.AddWithValue("id", messageId);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("until", now + options.Value.SendLease);
        return await command.ExecuteScalarAsync(ct) as int?;
    }

    private async Task<ChannelSendResult> CallAsync(IChannelProvider provider, OutboundMessage message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.SendTimeout);
        try
        {
            var outgoing = new OutgoingMessage(message.Id, message.Purpose, personalData.Decrypt(message.RecipientEncrypted), message.Body, message.Choices, message.Data);
            return await provider.SendAsync(outgoing, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ChannelSendResult.Ambiguous($"No answer from {provider.Name} within {options.Value.SendTimeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // We cannot tell how far the provider's client got, so the message may have left.
            logger.LogError(ex, "Provider {Provider} failed unexpectedly on message {MessageId}", provider.Name, message.Id);
            return new ChannelSendResult.Ambiguous($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task<Delivery> RecordAsync(OutboundMessage message, int attempt, bool resendIsSafe, ChannelSendResult result, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var sending = db.OutboundMessages.Where(m => m.Id == message.Id && m.State == OutboundState.Sending);
        switch (result)
        {
            case ChannelSendResult.Accepted accepted:
                await groupWrites.RecordAcceptedAsync(message.Id, accepted.ProviderMessageId, accepted.Delivered, now, ct);
                return new Delivery.Accepted(message.Channel, accepted.Delivered);

            case ChannelSendResult.Ambiguous ambiguous when !resendIsSafe:
                logger.LogWarning("Message {MessageId} on {Provider}: outcome unknown, not sent again: {Error}", message.Id, message.Provider, ambiguous.Error);
                await MarkUnknownAsync(sending, ambiguous.Error, ct);
                return new Delivery.Unknown(message.Channel);

            case ChannelSendResult.Failed { Kind: FailureKind.Configuration } configuration:
                await pauses.PauseAsync(message.Provider, configuration.Error, ct);
                var resumeAt = await pauses.PausedUntilAsync(message.Provider, ct) ?? now + options.Value.FirstRetryDelay;
                // The attempt is not held against the message: the account was at fault, not the message.
                await sending.ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.State, OutboundState.Pending)
                        .SetProperty(m => m.Attempts, m => m.Attempts - 1)
                        .SetProperty(m => m.NextAttemptAt, resumeAt)
                        .SetProperty(m => m.Error, StoredText.Cut(configuration.Error))
                        .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null),
                    ct);
                return new Delivery.RetryLater(configuration.Error, resumeAt, ProviderPaused: true);

            case ChannelSendResult.Failed { Kind: FailureKind.Transient } or ChannelSendResult.Ambiguous when attempt < options.Value.MaxAttempts:
                var error = ErrorOf(result);
                var retryAt = result is ChannelSendResult.Failed { RetryAt: { } told } && told > now
                    ? told
                    : now + RetryBackoff.Delay(attempt, options.Value.FirstRetryDelay, options.Value.MaxRetryDelay);
                logger.LogWarning("Message {MessageId} on {Provider} attempt {Attempt} failed, next at {RetryAt:O}: {Error}", message.Id, message.Provider, attempt, retryAt, error);
                await sending.ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.State, OutboundState.Pending)
                        .SetProperty(m => m.NextAttemptAt, retryAt)
                        .SetProperty(m => m.Error, StoredText.Cut(error))
                        .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null),
                    ct);
                return new Delivery.RetryLater(error, retryAt);

            default:
                if (result is ChannelSendResult.Failed { Kind: FailureKind.OptedOut } && message.ContactId is { } contactId)
                {
                    await contacts.OptOutAsync(contactId, message.Channel, onlyChannel: message.Channel, reason: $"refused by {message.Provider}", ct);
                    logger.LogInformation("A citizen refused messages on {Provider}; recorded as an opt-out of {Channel}", message.Provider, message.Channel);
                }

                var failure = result is ChannelSendResult.Failed { Kind: not FailureKind.Transient } ? ErrorOf(result) : $"Gave up after {attempt} attempts: {ErrorOf(result)}";
                logger.LogWarning("Message {MessageId} on {Provider} failed: {Error}", message.Id, message.Provider, failure);
                await sending.ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.State, OutboundState.Failed)
                        .SetProperty(m => m.Error, StoredText.Cut(failure))
                        .SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null)
                        .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null),
                    ct);
                return new Delivery.Failed(failure);
        }
    }

    /// <summary>Someone else holds the message, it is not due yet, or it is settled; a claim left by a dead sender is resolved here.</summary>
    private async Task<Delivery> ResolveUnclaimedAsync(Guid messageId, DateTimeOffset now, CancellationToken ct)
    {
        var message = await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.Id == messageId, ct);
        switch (message.State)
        {
            case OutboundState.Accepted or OutboundState.Delivered:
                return new Delivery.Accepted(message.Channel, message.State == OutboundState.Delivered);
            case OutboundState.Unknown:
                return new Delivery.Unknown(message.Channel);
            case OutboundState.Failed or OutboundState.Cancelled:
                return new Delivery.Failed(message.Error ?? message.State.ToString());
            case OutboundState.Pending:
                return new Delivery.RetryLater(message.Error ?? "Waiting for its next attempt.", message.NextAttemptAt ?? now);
            case OutboundState.Sending when message.ClaimedUntil >= now:
                return new Delivery.RetryLater("Another sender is handing this message over right now.", message.ClaimedUntil.Value);
        }

        var abandoned = db.OutboundMessages.Where(m => m.Id == messageId && m.State == OutboundState.Sending && m.ClaimedUntil < now);
        if (router.Get(message.Provider)?.ResendIsSafe == true)
        {
            if (await abandoned.ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboundState.Pending).SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null), ct) == 1)
            {
                logger.LogInformation("Message {MessageId}: its sender stopped mid-call; {Provider} makes a resend safe", messageId, message.Provider);
            }

            return await DeliverAsync(messageId, message.Provider, ct);
        }

        await MarkUnknownAsync(abandoned, "The sender stopped during the provider call; the provider offers no idempotency key, so it is not sent again.", ct);
        logger.LogWarning("Message {MessageId} on {Provider}: its sender stopped mid-call; outcome unknown, not sent again", messageId, message.Provider);
        return new Delivery.Unknown(message.Channel);
    }

    private static Task<int> MarkUnknownAsync(IQueryable<OutboundMessage> messages, string error, CancellationToken ct) =>
        messages.ExecuteUpdateAsync(
            s => s.SetProperty(m => m.State, OutboundState.Unknown)
                .SetProperty(m => m.Error, StoredText.Cut(error))
                .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null),
            ct);

    private static string ErrorOf(ChannelSendResult result) => result switch
    {
        ChannelSendResult.Failed failed => failed.Error,
        ChannelSendResult.Ambiguous ambiguous => ambiguous.Error,
        _ => string.Empty,
    };
}

/// <summary>What became of one delivery attempt, as the callers (invitation, reminder, chat reply) need to know it.</summary>
public abstract record Delivery
{
    public sealed record Accepted(ChannelKind Channel, bool Delivered) : Delivery;

    /// <summary>Maybe handed over, maybe not; never sent again.</summary>
    public sealed record Unknown(ChannelKind Channel) : Delivery;

    /// <param name="ProviderPaused">The provider is paused after a configuration error: the caller may fall back to another channel meanwhile.</param>
    public sealed record RetryLater(string Error, DateTimeOffset At, bool ProviderPaused = false) : Delivery;

    /// <summary>Never sent by this provider: the caller falls back to the next channel.</summary>
    public sealed record Failed(string Error) : Delivery;
}
