using Microsoft.Extensions.Options;
using Npgsql;
using Sipas.Data.Model;

namespace Sipas.Scheduler.Policy;

/// <summary>The checks made just before an invitation goes out: opt-out of every channel, and one invitation per contact per fatigue window.</summary>
public sealed class SendPolicy(NpgsqlDataSource dataSource, IOptions<SurveyOptions> options, TimeProvider time)
{
    // Read after the lock is held (its own statement, so its own snapshot): a concurrent reservation of the same
    // contact has committed by then and is seen.
    private const string ReserveSql = """
        WITH decision AS (
            SELECT CASE
                WHEN EXISTS (SELECT 1 FROM opt_outs WHERE contact_id = @contact AND opted_in_at IS NULL AND only_channel IS NULL) THEN 'OptedOut'
                WHEN @fatigue AND EXISTS (
                    SELECT 1 FROM invitations
                    WHERE contact_id = @contact AND id <> @id AND send_started_at > @since AND state NOT IN ('Failed', 'Skipped')) THEN 'RecentlySurveyed'
            END AS reason
        ), reserved AS (
            UPDATE invitations SET send_started_at = @now
            WHERE id = @id AND send_started_at IS NULL AND (SELECT reason FROM decision) IS NULL
        )
        SELECT reason FROM decision
        """;

    /// <summary>
    /// Reserves the contact for this invitation, or says why it must be skipped. One round trip: a batch that runs as
    /// one implicit transaction, taking a transaction-scoped advisory lock on the contact first, so two dispatchers
    /// holding two invitations for one citizen cannot both pass.
    /// </summary>
    public async Task<SkipReason?> ReserveAsync(Guid invitationId, Guid contactId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var lockCommand = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(@key)");
        lockCommand.Parameters.AddWithValue("key", BitConverter.ToInt64(contactId.ToByteArray(), 8));
        var reserve = new NpgsqlBatchCommand(ReserveSql);
        reserve.Parameters.AddWithValue("contact", contactId);
        reserve.Parameters.AddWithValue("id", invitationId);
        reserve.Parameters.AddWithValue("fatigue", options.Value.FatigueWindowDays > 0);
        reserve.Parameters.AddWithValue("since", now.AddDays(-options.Value.FatigueWindowDays));
        reserve.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(lockCommand);
        batch.BatchCommands.Add(reserve);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return reader.IsDBNull(0) ? null : Enum.Parse<SkipReason>(reader.GetString(0));
    }
}
