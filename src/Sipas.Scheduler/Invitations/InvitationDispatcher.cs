using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Invitations;

/// <summary>
/// Claims due invitations in batches (FOR UPDATE SKIP LOCKED, with a lease and a claim token) and sends them
/// concurrently. Many dispatchers, in one process or several, can run at once: each row is claimed by one of them,
/// and a claim whose dispatcher died runs out and is taken again. The database work is per batch, not per invitation:
/// the send policy, the sender's preparation and the record of the outcomes are one statement each for the whole
/// batch. Just before each send the dispatcher renews the row's lease if the claim is still its own, and every
/// provider call is bounded by <c>Messages:SendTimeout</c>, well inside the lease, so a slow batch never has its rows
/// taken by another dispatcher mid-send. Sending is idempotent per invitation (one stored message, one provider call),
/// so a retaken row — or a batch whose outcomes were never recorded because the process died — is finished, not sent twice.
/// </summary>
public sealed class InvitationDispatcher(
    NpgsqlDataSource dataSource,
    IServiceScopeFactory scopes,
    IOptions<DispatchOptions> options,
    IOptions<SurveyOptions> survey,
    SendSchedule schedule,
    Failpoints failpoints,
    SipasMetrics metrics,
    TimeProvider time,
    ILogger<InvitationDispatcher> logger)
{
    // Rows whose attempts are used up are not claimed again; GiveUpSql ends them.
    private const string ClaimSql = """
        UPDATE invitations i SET claimed_until = @until, claim_token = @token, attempts = i.attempts + 1, updated_at = @now
        FROM dossiers d
        WHERE d.id = i.dossier_id AND i.id IN (
            SELECT id FROM invitations
            WHERE state = 'Scheduled' AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now) AND attempts < @max_attempts
            ORDER BY due_at
            LIMIT @batch
            FOR UPDATE SKIP LOCKED)
        RETURNING i.id, i.contact_id, i.attempts, d.unit_id, d.returned_at
        """;

    private const string RenewSql = """
        UPDATE invitations SET claimed_until = @until
        WHERE id = @id AND claim_token = @token AND state = 'Scheduled'
        """;

    // A dispatcher that died during its last attempt leaves the row Scheduled with no attempt left. The decision is
    // recorded in the same statement.
    private const string GiveUpSql = $"""
        WITH gave_up AS (
            UPDATE invitations SET state = 'Failed', claimed_until = NULL, updated_at = @now,
                   last_error = coalesce(last_error || ' ', '') || '(gave up: no attempt left)'
            WHERE state = 'Scheduled' AND attempts >= @max_attempts AND (claimed_until IS NULL OR claimed_until < @now)
            RETURNING id, dossier_id, attempts, last_error
        )
        INSERT INTO invitation_decisions (invitation_id, unit_id, at, kind, rule, parameters)
        SELECT g.id, d.unit_id, @now, '{nameof(DecisionKind.Failed)}', '{DecisionRules.AttemptsExhausted}',
               jsonb_build_object('attempts', g.attempts, 'maxAttempts', @max_attempts, 'error', g.last_error)
        FROM gave_up g JOIN dossiers d ON d.id = g.dossier_id
        """;

    // One statement records a whole batch's outcomes. The prior states are read under a row lock, so the moves
    // counted for metrics are the real ones. A sent invitation keeps a later state a quick citizen already gave it
    // (Started); any other outcome applies only while the invitation is still Scheduled.
    private const string RecordSql = """
        WITH outcome AS (
            SELECT * FROM unnest(@ids, @states, @channels, @providers, @delivered, @due_at, @deferred, @errors, @skip_reasons,
                                 @unit_ids, @decision_kinds, @decision_rules, @decision_parameters, @decision_until)
                AS o(id, state, channel, provider, delivered, due_at, deferred, error, skip_reason,
                     unit_id, decision_kind, decision_rule, decision_parameters, decision_until)
        ), prior AS (
            SELECT i.id, i.state FROM invitations i WHERE i.id = ANY (@ids) ORDER BY i.id FOR UPDATE
        ), recorded AS (
            UPDATE invitations i SET
                state = CASE WHEN p.state = 'Scheduled' AND o.state IS NOT NULL THEN o.state ELSE i.state END,
                skip_reason = coalesce(o.skip_reason, i.skip_reason),
                channel = coalesce(o.channel, i.channel),
                provider = coalesce(o.provider, i.provider),
                sent_at = CASE WHEN o.channel IS NOT NULL THEN coalesce(i.sent_at, @now) ELSE i.sent_at END,
                delivered_at = CASE WHEN o.delivered THEN coalesce(i.delivered_at, @now) ELSE i.delivered_at END,
                expires_at = CASE WHEN o.channel IS NOT NULL THEN coalesce(i.expires_at, @expires_at) ELSE i.expires_at END,
                due_at = coalesce(o.due_at, i.due_at),
                attempts = CASE WHEN o.deferred THEN i.attempts - 1 ELSE i.attempts END,
                send_started_at = CASE WHEN o.deferred THEN NULL ELSE i.send_started_at END,
                claimed_until = NULL,
                last_error = o.error,
                updated_at = @now
            FROM outcome o JOIN prior p ON p.id = o.id
            WHERE i.id = o.id AND (o.channel IS NOT NULL OR p.state = 'Scheduled')
            RETURNING i.id, p.state AS from_state, i.state AS to_state
        ), decided AS (
            -- Only for the invitations this statement changed: the decision explains the change it is recorded with.
            INSERT INTO invitation_decisions (invitation_id, unit_id, at, kind, rule, parameters, deferred_until)
            SELECT o.id, o.unit_id, @now, o.decision_kind, o.decision_rule, o.decision_parameters::jsonb, o.decision_until
            FROM outcome o JOIN recorded r ON r.id = o.id
            WHERE o.decision_rule IS NOT NULL
        )
        SELECT from_state, to_state, count(*)::int FROM recorded WHERE from_state <> to_state GROUP BY from_state, to_state
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

            await DispatchBatchAsync(batch, settings, ct);
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

    /// <summary>
    /// A batch in four steps: the send policy for all of it (one round trip), the sender's preparation (what sending
    /// needs, read for the whole batch), the sends (concurrently), and one statement recording every outcome.
    /// </summary>
    private async Task DispatchBatchAsync(List<ClaimedInvitation> batch, DispatchOptions settings, CancellationToken ct)
    {
        var outcomes = new ConcurrentDictionary<Guid, SendOutcome>();
        var calendar = await schedule.CurrentAsync(ct);
        var now = time.GetUtcNow();
        foreach (var claimed in batch)
        {
            if (calendar.CheckNow(claimed.UnitId, claimed.ReturnedAt, now) is { } decision)
            {
                outcomes[claimed.Id] = decision.Kind == DecisionKind.Skipped
                    ? new SendOutcome.Skipped(SkipReason.EventTooOld, decision.Parameters)
                    : new SendOutcome.Deferred(decision.Rule, $"Not now ({decision.Rule}); next allowed {decision.DeferredUntil:O}", decision.DeferredUntil!.Value, decision.Parameters);
            }
        }

        var allowed = batch.Where(c => !outcomes.ContainsKey(c.Id)).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var skips = await scope.ServiceProvider.GetRequiredService<SendPolicy>().ReserveAsync([.. allowed.Select(c => (c.Id, c.ContactId))], ct);
        foreach (var (id, reason) in skips)
        {
            outcomes[id] = new SendOutcome.Skipped(reason);
        }

        var toSend = allowed.Where(c => !skips.ContainsKey(c.Id)).ToList();
        if (toSend.Count > 0)
        {
            var prepared = await scope.ServiceProvider.GetRequiredService<IInvitationSender>().PrepareAsync([.. toSend.Select(c => c.Id)], ct);
            await Parallel.ForEachAsync(
                toSend,
                new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = ct },
                async (claimed, token) =>
                {
                    if (await SendOneAsync(prepared, claimed, token) is { } outcome)
                    {
                        outcomes[claimed.Id] = outcome;
                    }
                });
        }

        failpoints.Hit(Failpoints.AfterInvitationSend);
        await RecordAsync(batch, outcomes, ct);
    }

    /// <summary>One send; null when the claim ran out first (whoever holds the row now finishes it).</summary>
    private async Task<SendOutcome?> SendOneAsync(IPreparedInvitations prepared, ClaimedInvitation claimed, CancellationToken ct)
    {
        try
        {
            if (!await RenewClaimAsync(claimed, ct))
            {
                logger.LogDebug("Invitation {InvitationId}: claim ran out before its turn; left to whoever holds it now", claimed.Id);
                return null;
            }

            return await prepared.SendAsync(claimed.Id, claimed.ClaimedAt + options.Value.LongestRateLimitWait, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Sending invitation {InvitationId} failed unexpectedly", claimed.Id);
            return new SendOutcome.Failed(ex.GetType().Name + ": " + ex.Message, time.GetUtcNow() + (options.Value.RetryDelay * claimed.Attempts));
        }
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
            claimed.Add(new ClaimedInvitation(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2), token, now, reader.GetGuid(3), reader.GetFieldValue<DateTimeOffset>(4)));
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

    /// <summary>Records every outcome of the batch in one statement; an invitation without one (its claim ran out) is left to its new holder.</summary>
    private async Task RecordAsync(List<ClaimedInvitation> batch, ConcurrentDictionary<Guid, SendOutcome> outcomes, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rows = batch.Where(c => outcomes.ContainsKey(c.Id)).Select(c => RowOf(c, outcomes[c.Id], now)).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(RecordSql);
        command.Parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
        command.Parameters.AddWithValue("states", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => r.State?.ToString()).ToArray());
        command.Parameters.AddWithValue("channels", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => r.Channel?.ToString()).ToArray());
        command.Parameters.AddWithValue("providers", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => r.Provider).ToArray());
        command.Parameters.AddWithValue("delivered", rows.Select(r => r.Delivered).ToArray());
        command.Parameters.AddWithValue("due_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, rows.Select(r => r.DueAt?.UtcDateTime).ToArray());
        command.Parameters.AddWithValue("deferred", rows.Select(r => r.Deferred).ToArray());
        command.Parameters.AddWithValue("errors", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => r.Error).ToArray());
        command.Parameters.AddWithValue("skip_reasons", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => r.SkipReason?.ToString()).ToArray());
        command.Parameters.AddWithValue("unit_ids", rows.Select(r => r.UnitId).ToArray());
        command.Parameters.AddWithValue("decision_kinds", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => r.Decision?.Kind.ToString()).ToArray());
        command.Parameters.AddWithValue("decision_rules", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => r.Decision?.Rule).ToArray());
        command.Parameters.AddWithValue("decision_parameters", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(r => r.Decision?.Parameters).ToArray());
        command.Parameters.AddWithValue("decision_until", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, rows.Select(r => r.Decision?.DeferredUntil?.UtcDateTime).ToArray());
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("expires_at", now + survey.Value.ExpireAfter);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            metrics.InvitationMoved(Enum.Parse<InvitationState>(reader.GetString(0)), Enum.Parse<InvitationState>(reader.GetString(1)), reader.GetInt32(2));
        }
    }

    /// <summary>An outcome as the columns <see cref="RecordSql"/> reads, with the decision it records when it is not a send; the log line of each outcome is written here too.</summary>
    private OutcomeRow RowOf(ClaimedInvitation claimed, SendOutcome outcome, DateTimeOffset now)
    {
        var maxAttempts = options.Value.MaxAttempts;
        switch (outcome)
        {
            case SendOutcome.Sent sent:
                var reached = sent.Delivered ? InvitationState.Delivered : InvitationState.Sent;
                return new OutcomeRow(claimed, reached, sent.Channel, sent.Provider, sent.Delivered, null, false, sent.Uncertain ? UncertainSend : null, null, null);
            case SendOutcome.Skipped skipped:
                logger.LogInformation("Invitation {InvitationId} skipped: {Reason}", claimed.Id, skipped.Reason);
                var skip = new PolicyDecision(DecisionKind.Skipped, DecisionRules.For(skipped.Reason), skipped.Parameters ?? SkipParameters(skipped.Reason));
                return new OutcomeRow(claimed, InvitationState.Skipped, null, null, false, null, false, null, skipped.Reason, skip);
            case SendOutcome.Deferred deferred:
                logger.LogInformation("Invitation {InvitationId} waits until {Until:O}: {Reason}", claimed.Id, deferred.Until, deferred.Reason);
                var deferral = new PolicyDecision(DecisionKind.Deferred, deferred.Rule, deferred.Parameters, deferred.Until);
                return new OutcomeRow(claimed, null, null, null, false, deferred.Until, true, StoredText.Cut(deferred.Reason), null, deferral);
            case SendOutcome.Failed { RetryAt: { } retryAt } failed when claimed.Attempts < maxAttempts:
                logger.LogWarning("Invitation {InvitationId} attempt {Attempt} failed, retrying at {RetryAt:O}: {Error}", claimed.Id, claimed.Attempts, retryAt, failed.Error);
                var retry = PolicyDecision.Failed(
                    DecisionRules.ProviderError, new { error = StoredText.Cut(failed.Error), attempt = claimed.Attempts, maxAttempts, retry = "planned" }, retryAt);
                return new OutcomeRow(claimed, null, null, null, false, retryAt, false, StoredText.Cut(failed.Error), null, retry);
            case SendOutcome.Failed failed:
                logger.LogWarning("Invitation {InvitationId} failed after {Attempt} attempts: {Error}", claimed.Id, claimed.Attempts, failed.Error);
                var final = failed.RetryAt is null
                    ? PolicyDecision.Failed(DecisionRules.ProviderError, new { error = StoredText.Cut(failed.Error), attempt = claimed.Attempts, maxAttempts, retry = "none" })
                    : PolicyDecision.Failed(DecisionRules.AttemptsExhausted, new { error = StoredText.Cut(failed.Error), attempts = claimed.Attempts, maxAttempts });
                return new OutcomeRow(claimed, InvitationState.Failed, null, null, false, null, false, StoredText.Cut(failed.Error), null, final);
            default:
                throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown send outcome.");
        }
    }

    /// <summary>What a skip rule applied, when the skip itself did not say.</summary>
    private string SkipParameters(SkipReason reason) => PolicyDecision.ToJson(reason switch
    {
        SkipReason.RecentlySurveyed => new { fatigueWindowDays = survey.Value.FatigueWindowDays },
        SkipReason.OptedOut => new { scope = "all-channels" },
        _ => (object)new { },
    });

    private const string UncertainSend = "The provider call's outcome was lost (timeout or a crash mid-call); the provider offers no idempotency key, so it is not sent again.";

    private sealed record ClaimedInvitation(Guid Id, Guid ContactId, int Attempts, Guid Token, DateTimeOffset ClaimedAt, Guid UnitId, DateTimeOffset ReturnedAt);

    /// <param name="State">The state it reaches (from Scheduled); null: it stays Scheduled.</param>
    /// <param name="DueAt">When it is due again (a retry or a deferral).</param>
    /// <param name="Deferred">Not tried: the attempt is given back and the contact's reservation released.</param>
    /// <param name="Decision">The decision not to send now recorded with it; null for a send.</param>
    private sealed record OutcomeRow(
        ClaimedInvitation Claimed, InvitationState? State, ChannelKind? Channel, string? Provider, bool Delivered, DateTimeOffset? DueAt, bool Deferred, string? Error,
        SkipReason? SkipReason, PolicyDecision? Decision)
    {
        public Guid Id => Claimed.Id;

        public Guid UnitId => Claimed.UnitId;
    }
}
