using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Sipas.Data.Model;

namespace Sipas.Scheduler.Policy;

/// <summary>The checks made just before invitations go out: opt-out of every channel, and one invitation per contact per fatigue window.</summary>
public sealed class SendPolicy(NpgsqlDataSource dataSource, IOptions<SurveyOptions> options, TimeProvider time)
{
    // Contacts are locked in ascending key order, so two dispatchers whose batches share contacts cannot deadlock.
    private const string LockSql = """
        SELECT pg_advisory_xact_lock(key) FROM (SELECT DISTINCT key FROM unnest(@keys) AS k(key) ORDER BY key) AS ordered
        """;

    // Read after the locks are held (its own statement, so its own snapshot): a concurrent reservation of the same
    // contact has committed by then and is seen. Within the batch, one invitation per contact passes the fatigue cap:
    // one already reserved by an earlier attempt first, else the oldest.
    private const string ReserveSql = """
        WITH batch AS (
            SELECT b.id, b.contact_id, i.send_started_at
            FROM unnest(@ids, @contacts) AS b(id, contact_id)
            JOIN invitations i ON i.id = b.id
        ), decision AS (
            SELECT b.id, CASE
                WHEN EXISTS (SELECT 1 FROM opt_outs o WHERE o.contact_id = b.contact_id AND o.opted_in_at IS NULL AND o.only_channel IS NULL) THEN 'OptedOut'
                WHEN @fatigue AND EXISTS (
                    SELECT 1 FROM invitations i
                    WHERE i.contact_id = b.contact_id AND i.id <> b.id AND i.send_started_at > @since AND i.state NOT IN ('Failed', 'Skipped')
                      AND i.id <> ALL (@ids)) THEN 'RecentlySurveyed'
                WHEN @fatigue AND row_number() OVER (PARTITION BY b.contact_id ORDER BY b.send_started_at NULLS LAST, b.id) > 1 THEN 'RecentlySurveyed'
            END AS reason
            FROM batch b
        ), reserved AS (
            UPDATE invitations i SET send_started_at = @now
            FROM decision d
            WHERE i.id = d.id AND d.reason IS NULL AND i.send_started_at IS NULL
        )
        SELECT id, reason FROM decision WHERE reason IS NOT NULL
        """;

    /// <summary>
    /// Reserves each invitation's contact for it, or says why it must be skipped; the invitations missing from the
    /// answer may be sent. One round trip for the whole batch: a batch of statements that runs as one implicit
    /// transaction, taking transaction-scoped advisory locks on the contacts first, so two dispatchers holding two
    /// invitations for one citizen cannot both pass.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, SkipReason>> ReserveAsync(IReadOnlyCollection<(Guid InvitationId, Guid ContactId)> invitations, CancellationToken ct)
    {
        if (invitations.Count == 0)
        {
            return new Dictionary<Guid, SkipReason>();
        }

        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var lockCommand = new NpgsqlBatchCommand(LockSql);
        lockCommand.Parameters.AddWithValue("keys", NpgsqlDbType.Array | NpgsqlDbType.Bigint, invitations.Select(i => LockKey(i.ContactId)).ToArray());
        var reserve = new NpgsqlBatchCommand(ReserveSql);
        reserve.Parameters.AddWithValue("ids", invitations.Select(i => i.InvitationId).ToArray());
        reserve.Parameters.AddWithValue("contacts", invitations.Select(i => i.ContactId).ToArray());
        reserve.Parameters.AddWithValue("fatigue", options.Value.FatigueWindowDays > 0);
        reserve.Parameters.AddWithValue("since", now.AddDays(-options.Value.FatigueWindowDays));
        reserve.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(lockCommand);
        batch.BatchCommands.Add(reserve);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        var skips = new Dictionary<Guid, SkipReason>();
        while (await reader.ReadAsync(ct))
        {
            skips[reader.GetGuid(0)] = Enum.Parse<SkipReason>(reader.GetString(1));
        }

        return skips;
    }

    private static long LockKey(Guid contactId) => BitConverter.ToInt64(contactId.ToByteArray(), 8);
}
