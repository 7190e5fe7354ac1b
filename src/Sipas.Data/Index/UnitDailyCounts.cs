using Npgsql;
using NpgsqlTypes;
using Sipas.Data.Model;

namespace Sipas.Data.Index;

/// <summary>
/// Recomputes <see cref="UnitDailyCount"/> rows from the invitations: every row from a local day on is replaced in one
/// transaction, under an advisory lock so two runs never interleave. Re-running it changes nothing but the "as of" time.
/// </summary>
public sealed class UnitDailyCounts(NpgsqlDataSource dataSource)
{
    // Any constant distinct from other advisory locks in the database; it names this job's critical section.
    private const long LockKey = 0x5150_4153_0001;

    // Days follow the dossier's return date in the survey's time zone, like the index's periods (sipas-method.md §4).
    private const string RecomputeSql = """
        SELECT pg_advisory_xact_lock(@lock);
        DELETE FROM unit_daily_counts WHERE day >= @from_day;
        WITH per_state AS (
            SELECT d.unit_id, (d.returned_at AT TIME ZONE @zone)::date AS day, i.channel, i.state, i.skip_reason,
                   count(*) AS n, count(i.sent_at) AS sent, count(i.delivered_at) AS delivered, count(i.started_at) AS started
            FROM invitations i
            JOIN dossiers d ON d.id = i.dossier_id
            WHERE d.returned_at >= @from_utc
            GROUP BY 1, 2, 3, 4, 5
        )
        INSERT INTO unit_daily_counts (unit_id, day, channel, events, invited, delivered, started, completed, partial, failed, skipped, computed_at)
        SELECT unit_id, day, channel,
               sum(n), sum(sent), sum(delivered), sum(started),
               coalesce(sum(n) FILTER (WHERE state = @completed), 0),
               coalesce(sum(n) FILTER (WHERE state = @partial), 0),
               coalesce(sum(n) FILTER (WHERE state = @failed), 0),
               coalesce(jsonb_object_agg(skip_reason, n) FILTER (WHERE state = @skipped AND skip_reason IS NOT NULL), '{}'::jsonb),
               @now
        FROM per_state
        GROUP BY unit_id, day, channel;
        """;

    /// <summary>Replaces the counts of <paramref name="fromDay"/> and every later day.</summary>
    public async Task RecomputeAsync(DateOnly fromDay, TimeZoneInfo zone, DateTimeOffset now, CancellationToken ct)
    {
        var fromUtc = new DateTimeOffset(fromDay.ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(fromDay.ToDateTime(TimeOnly.MinValue))).ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(RecomputeSql, connection, tx);
        command.Parameters.AddWithValue("lock", LockKey);
        command.Parameters.Add(new NpgsqlParameter("from_day", NpgsqlDbType.Date) { Value = fromDay });
        command.Parameters.AddWithValue("from_utc", fromUtc);
        command.Parameters.AddWithValue("zone", zone.Id);
        command.Parameters.AddWithValue("completed", nameof(InvitationState.Completed));
        command.Parameters.AddWithValue("partial", nameof(InvitationState.Partial));
        command.Parameters.AddWithValue("failed", nameof(InvitationState.Failed));
        command.Parameters.AddWithValue("skipped", nameof(InvitationState.Skipped));
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The first day any dossier was returned (for recomputing the whole history), or null when there is none.</summary>
    public async Task<DateOnly?> FirstDayAsync(TimeZoneInfo zone, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT (min(returned_at) AT TIME ZONE @zone)::date FROM dossiers");
        command.Parameters.AddWithValue("zone", zone.Id);
        return await command.ExecuteScalarAsync(ct) switch
        {
            DateOnly first => first,
            DateTime first => DateOnly.FromDateTime(first),
            _ => null,
        };
    }
}
