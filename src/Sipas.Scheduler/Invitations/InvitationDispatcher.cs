using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Invitations;

/// <summary>
/// Claims due invitations in batches (FOR UPDATE SKIP LOCKED, with a lease and a claim token) and sends them
/// concurrently. Many dispatchers, in one process or several, can run at once: each row is claimed by one of them,
/// and a claim whose dispatcher died runs out and is taken again. Just before each send the dispatcher renews the
/// row's lease if the claim is still its own, and every provider call is bounded by <c>Messages:SendTimeout</c>,
/// well inside the lease, so a slow batch never has its rows taken by another dispatcher mid-send. Sending is
/// idempotent per invitation (one stored message, one provider call), so a retaken row is finished, not sent twice.
/// </summary>
public sealed class InvitationDispatcher(
    NpgsqlDataSource dataSource,
    IServiceScopeFactory scopes,
    IOptions<DispatchOptions> options,
    IOptions<SurveyOptions> survey,
    Failpoints failpoints,
    SipasMetrics metrics,
    TimeProvider time,
    ILogger<InvitationDispatcher> logger)
{
    // Rows whose attempts are used up are not claimed again; GiveUpSql ends them.
    private const string ClaimSql = """
        UPDATE invitations SET claimed_until = @until, claim_token = @token, attempts = attempts + 1, updated_at = @now
        WHERE id IN (
            SELECT id FROM invitations
            WHERE state = 'Scheduled' AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now) AND attempts < @max_attempts
            ORDER BY due_at
            LIMIT @batch
            FOR UPDATE SKIP LOCKED)
        RETURNING id, contact_id, attempts
        """;

    private const string RenewSql = """
        UPDATE invitations SET claimed_until = @until
        WHERE id = @id AND claim_token = @token AND state = 'Scheduled'
        """;

    // A dispatcher that died during its last attempt leaves the row Scheduled with no attempt left.
    private const string GiveUpSql = """
        UPDATE invitations SET state = 'Failed', claimed_until = NULL, updated_at = @now,
               last_error = coalesce(last_error || ' ', '') || '(gave up: no attempt left)'
        WHERE state = 'Scheduled' AND attempts >= @max_attempts AND (claimed_until IS NULL OR claimed_until < @now)
        """;

    /// <summary>Sends what is due, batch after batch, until nothing is due or the run time is used up. Returns how many were handled.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var clock = Stopwatch.StartNew();
        var handled = 0;
        await GiveUpExhaustedAsync(settings, ct);
        while (!ct.IsCancellationRequested && clock.Elapsed < settings.MaxRunTime)
        {
            var batch = await ClaimAsync(settings, ct);
            metrics.DispatcherBatchClaimed(batch.Count);
            if (batch.Count == 0)
            {
                break;
            }

            await Parallel.ForEachAsync(
                batch,
                new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = ct },
                async (claimed, token) => await DispatchOneAsync(claimed, token));
            handled += batch.Count;
            if (batch.Count < settings.BatchSize)
            {
                break;
            }
        }

        if (handled > 0)
        {
            logger.LogInformation("Dispatched {Count} invitations in {ElapsedMs} ms", handled, clock.ElapsedMilliseconds);
        }

        return handled;
    }

    private async Task GiveUpExhaustedAsync(DispatchOptions settings, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(GiveUpSql);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        command.Parameters.AddWithValue("max_attempts", settings.MaxAttempts);
        var givenUp = await command.ExecuteNonQueryAsync(ct);
        metrics.InvitationMoved(InvitationState.Scheduled, InvitationState.Failed, givenUp);
        if (givenUp > 0)
        {
            logger.LogWarning("{Count} invitations failed: their dispatcher stopped during their last attempt", givenUp);
        }
    }

    private async Task<List<ClaimedInvitation>> ClaimAsync(DispatchOptions settings, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var token = Guid.CreateVersion7();
        await using var command = dataSource.CreateCommand(ClaimSql);
        command.Parameters.AddWithValue("until", now + settings.ClaimLease);
        command.Parameters.AddWithValue("token", token);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("batch", settings.BatchSize);
        command.Parameters.AddWithValue("max_attempts", settings.MaxAttempts);
        var claimed = new List<ClaimedInvitation>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedInvitation(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2), token, now));
        }

        return claimed;
    }

    /// <summary>
    /// Extends the lease for the send about to start; false when the claim has run out and another dispatcher may
    /// hold the row. A claim younger than half its lease cannot have been taken over, so it is not renewed (one round
    /// trip less per invitation while a batch is young).
    /// </summary>
    private async Task<bool> RenewClaimAsync(ClaimedInvitation claimed, CancellationToken ct)
    {
        if (time.GetUtcNow() - claimed.ClaimedAt < options.Value.ClaimLease / 2)
        {
            return true;
        }

        await using var command = dataSource.CreateCommand(RenewSql);
        command.Parameters.AddWithValue("until", time.GetUtcNow() + options.Value.ClaimLease);
        command.Parameters.AddWithValue("id", claimed.Id);
        command.Parameters.AddWithValue("token", claimed.Token);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task DispatchOneAsync(ClaimedInvitation claimed, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
        try
        {
            if (!await RenewClaimAsync(claimed, ct))
            {
                logger.LogDebug("Invitation {InvitationId}: claim ran out before its turn; left to whoever holds it now", claimed.Id);
                return;
            }

            var skip = await scope.ServiceProvider.GetRequiredService<SendPolicy>().ReserveAsync(claimed.Id, claimed.ContactId, ct);
            if (skip is { } reason)
            {
                await RecordSkippedAsync(db, claimed.Id, reason, ct);
                return;
            }

            var outcome = await scope.ServiceProvider.GetRequiredService<IInvitationSender>().SendAsync(claimed.Id, ct);
            failpoints.Hit(Failpoints.AfterInvitationSend);
            await RecordAsync(db, claimed, outcome, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Sending invitation {InvitationId} failed unexpectedly", claimed.Id);
            var retryAt = time.GetUtcNow() + (options.Value.RetryDelay * claimed.Attempts);
            await RecordAsync(db, claimed, new SendOutcome.Failed(ex.GetType().Name + ": " + ex.Message, retryAt), CancellationToken.None);
        }
    }

    private async Task RecordAsync(SipasDbContext db, ClaimedInvitation claimed, SendOutcome outcome, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var invitation = db.Invitations.Where(i => i.Id == claimed.Id);
        switch (outcome)
        {
            case SendOutcome.Skipped skipped:
                await RecordSkippedAsync(db, claimed.Id, skipped.Reason, ct);
                break;
            case SendOutcome.Sent sent:
                var expiresAt = now + survey.Value.ExpireAfter;
                var reached = sent.Delivered ? InvitationState.Delivered : InvitationState.Sent;
                var moved = await invitation.Where(i => i.State == InvitationState.Scheduled).ExecuteUpdateAsync(
                    s => s.SetProperty(i => i.State, reached)
                        .SetProperty(i => i.Channel, sent.Channel)
                        .SetProperty(i => i.Provider, sent.Provider)
                        .SetProperty(i => i.SentAt, i => i.SentAt ?? now)
                        .SetProperty(i => i.DeliveredAt, i => sent.Delivered ? i.DeliveredAt ?? now : i.DeliveredAt)
                        .SetProperty(i => i.ExpiresAt, i => i.ExpiresAt ?? expiresAt)
                        .SetProperty(i => i.ClaimedUntil, (DateTimeOffset?)null)
                        .SetProperty(i => i.LastError, sent.Uncertain ? UncertainSend : null)
                        .SetProperty(i => i.UpdatedAt, now),
                    ct);
                if (moved == 0)
                {
                    // A quick citizen may already have answered (state Started) before this runs: keep the later state.
                    await invitation.ExecuteUpdateAsync(
                        s => s.SetProperty(i => i.Channel, sent.Channel)
                            .SetProperty(i => i.Provider, sent.Provider)
                            .SetProperty(i => i.SentAt, i => i.SentAt ?? now)
                            .SetProperty(i => i.ExpiresAt, i => i.ExpiresAt ?? expiresAt)
                            .SetProperty(i => i.ClaimedUntil, (DateTimeOffset?)null)
                            .SetProperty(i => i.UpdatedAt, now),
                        ct);
                }

                metrics.InvitationMoved(InvitationState.Scheduled, reached, moved);
                break;
            case SendOutcome.Deferred deferred:
                logger.LogInformation("Invitation {InvitationId} waits until {Until:O}: {Reason}", claimed.Id, deferred.Until, deferred.Reason);
                await invitation.Where(i => i.State == InvitationState.Scheduled).ExecuteUpdateAsync(
                    s => s.SetProperty(i => i.DueAt, deferred.Until)
                        .SetProperty(i => i.Attempts, i => i.Attempts - 1)
                        .SetProperty(i => i.SendStartedAt, (DateTimeOffset?)null)
                        .SetProperty(i => i.ClaimedUntil, (DateTimeOffset?)null)
                        .SetProperty(i => i.LastError, StoredText.Cut(deferred.Reason))
                        .SetProperty(i => i.UpdatedAt, now),
                    ct);
                break;
            case SendOutcome.Failed { RetryAt: { } retryAt } failed when claimed.Attempts < options.Value.MaxAttempts:
                logger.LogWarning("Invitation {InvitationId} attempt {Attempt} failed, retrying at {RetryAt:O}: {Error}", claimed.Id, claimed.Attempts, retryAt, failed.Error);
                await invitation.Where(i => i.State == InvitationState.Scheduled).ExecuteUpdateAsync(
                    s => s.SetProperty(i => i.DueAt, retryAt)
                        .SetProperty(i => i.ClaimedUntil, (DateTimeOffset?)null)
                        .SetProperty(i => i.LastError, StoredText.Cut(failed.Error))
                        .SetProperty(i => i.UpdatedAt, now),
                    ct);
                break;
            case SendOutcome.Failed failed:
                logger.LogWarning("Invitation {InvitationId} failed after {Attempt} attempts: {Error}", claimed.Id, claimed.Attempts, failed.Error);
                var failedNow = await invitation.Where(i => i.State == InvitationState.Scheduled).ExecuteUpdateAsync(
                    s => s.SetProperty(i => i.State, InvitationState.Failed)
                        .SetProperty(i => i.ClaimedUntil, (DateTimeOffset?)null)
                        .SetProperty(i => i.LastError, StoredText.Cut(failed.Error))
                        .SetProperty(i => i.UpdatedAt, now),
                    ct);
                metrics.InvitationMoved(InvitationState.Scheduled, InvitationState.Failed, failedNow);
                break;
        }
    }

    private async Task RecordSkippedAsync(SipasDbContext db, Guid invitationId, SkipReason reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        logger.LogInformation("Invitation {InvitationId} skipped: {Reason}", invitationId, reason);
        var skipped = await db.Invitations.Where(i => i.Id == invitationId && i.State == InvitationState.Scheduled).ExecuteUpdateAsync(
            s => s.SetProperty(i => i.State, InvitationState.Skipped)
                .SetProperty(i => i.SkipReason, reason)
                .SetProperty(i => i.ClaimedUntil, (DateTimeOffset?)null)
                .SetProperty(i => i.UpdatedAt, now),
            ct);
        metrics.InvitationMoved(InvitationState.Scheduled, InvitationState.Skipped, skipped);
    }

    private const string UncertainSend = "The provider call's outcome was lost (timeout or a crash mid-call); the provider offers no idempotency key, so it is not sent again.";

    private sealed record ClaimedInvitation(Guid Id, Guid ContactId, int Attempts, Guid Token, DateTimeOffset ClaimedAt);
}
