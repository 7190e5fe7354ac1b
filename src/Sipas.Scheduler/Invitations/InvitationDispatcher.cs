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
/// Claims due invitations in batches (FOR UPDATE SKIP LOCKED, with a lease) and sends them concurrently.
/// Many dispatchers, in one process or several, can run at once: each row is claimed by one of them, and a claim
/// whose dispatcher died runs out and is taken again. Sending is idempotent per invitation, so a retaken row is
/// finished, not sent twice.
/// </summary>
public sealed class InvitationDispatcher(
    NpgsqlDataSource dataSource,
    IServiceScopeFactory scopes,
    IOptions<DispatchOptions> options,
    IOptions<SurveyOptions> survey,
    Failpoints failpoints,
    TimeProvider time,
    ILogger<InvitationDispatcher> logger)
{
    private const string ClaimSql = """
        UPDATE invitations SET claimed_until = @until, attempts = attempts + 1, updated_at = @now
        WHERE id IN (
            SELECT id FROM invitations
            WHERE state = 'Scheduled' AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
            ORDER BY due_at
            LIMIT @batch
            FOR UPDATE SKIP LOCKED)
        RETURNING id, phone_hash, attempts
        """;

    /// <summary>Sends what is due, batch after batch, until nothing is due or the run time is used up. Returns how many were handled.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var clock = Stopwatch.StartNew();
        var handled = 0;
        while (!ct.IsCancellationRequested && clock.Elapsed < settings.MaxRunTime)
        {
            var batch = await ClaimAsync(settings, ct);
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

    private async Task<List<ClaimedInvitation>> ClaimAsync(DispatchOptions settings, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var command = dataSource.CreateCommand(ClaimSql);
        command.Parameters.AddWithValue("until", now + settings.ClaimLease);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("batch", settings.BatchSize);
        var claimed = new List<ClaimedInvitation>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedInvitation(reader.GetGuid(0), (byte[])reader[1], reader.GetInt32(2)));
        }

        return claimed;
    }

    private async Task DispatchOneAsync(ClaimedInvitation claimed, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
        try
        {
            var skip = await scope.ServiceProvider.GetRequiredService<SendPolicy>().ReserveAsync(claimed.Id, claimed.PhoneHash, ct);
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
            await RecordAsync(db, claimed, new SendOutcome.Failed(ex.GetType().Name + ": " + ex.Message, Retryable: true), CancellationToken.None);
        }
    }

    private async Task RecordAsync(SipasDbContext db, ClaimedInvitation claimed, SendOutcome outcome, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var invitation = db.Invitations.Where(i => i.Id == claimed.Id);
        switch (outcome)
        {
            case SendOutcome.Sent sent:
                var expiresAt = now + survey.Value.ExpireAfter;
                // A quick citizen may already have answered (state Started) before this runs: keep the later state.
                await invitation.ExecuteUpdateAsync(
                    s => s.SetProperty(i => i.State, i => i.State == InvitationState.Scheduled ? (sent.Delivered ? InvitationState.Delivered : InvitationState.Sent) : i.State)
                        .SetProperty(i => i.Channel, sent.Channel)
                        .SetProperty(i => i.SentAt, i => i.SentAt ?? now)
                        .SetProperty(i => i.DeliveredAt, i => sent.Delivered ? i.DeliveredAt ?? now : i.DeliveredAt)
                        .SetProperty(i => i.ExpiresAt, i => i.ExpiresAt ?? expiresAt)
                        .SetProperty(i => i.ClaimedUntil, (DateTimeOffset?)null)
                        .SetProperty(i => i.LastError, (string?)null)
                        .SetProperty(i => i.UpdatedAt, now),
                    ct);
                break;
            case SendOutcome.Failed { Retryable: true } failed when claimed.Attempts < options.Value.MaxAttempts:
                var retryAt = now + (options.Value.RetryDelay * claimed.Attempts);
                logger.LogWarning("Invitation {InvitationId} attempt {Attempt} failed, retrying at {RetryAt}: {Error}", claimed.Id, claimed.Attempts, retryAt, failed.Error);
                await invitation.Where(i => i.State == InvitationState.Scheduled).ExecuteUpdateAsync(
                    s => s.SetProperty(i => i.DueAt, retryAt)
                        .SetProperty(i => i.ClaimedUntil, (DateTimeOffset?)null)
                        .SetProperty(i => i.LastError, Truncate(failed.Error))
                        .SetProperty(i => i.UpdatedAt, now),
                    ct);
                break;
            case SendOutcome.Failed failed:
                logger.LogWarning("Invitation {InvitationId} failed after {Attempt} attempts: {Error}", claimed.Id, claimed.Attempts, failed.Error);
                await invitation.Where(i => i.State == InvitationState.Scheduled).ExecuteUpdateAsync(
                    s => s.SetProperty(i => i.State, InvitationState.Failed)
                        .SetProperty(i => i.ClaimedUntil, (DateTimeOffset?)null)
                        .SetProperty(i => i.LastError, Truncate(failed.Error))
                        .SetProperty(i => i.UpdatedAt, now),
                    ct);
                break;
        }
    }

    private async Task RecordSkippedAsync(SipasDbContext db, Guid invitationId, SkipReason reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        logger.LogInformation("Invitation {InvitationId} skipped: {Reason}", invitationId, reason);
        await db.Invitations.Where(i => i.Id == invitationId && i.State == InvitationState.Scheduled).ExecuteUpdateAsync(
            s => s.SetProperty(i => i.State, InvitationState.Skipped)
                .SetProperty(i => i.SkipReason, reason)
                .SetProperty(i => i.ClaimedUntil, (DateTimeOffset?)null)
                .SetProperty(i => i.UpdatedAt, now),
            ct);
    }

    private static string Truncate(string error) => error.Length <= 1000 ? error : error[..1000];

    private sealed record ClaimedInvitation(Guid Id, byte[] PhoneHash, int Attempts);
}
