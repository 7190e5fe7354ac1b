using Npgsql;

namespace Sipas.Bench.Dispatch;

/// <summary>What the database says about the run: invitations and their stored messages.</summary>
public sealed record DatabaseResults(
    IReadOnlyDictionary<string, long> InvitationStates,
    IReadOnlyDictionary<string, long> MessageStates,
    long MessagesStored,
    long InvitationsWithMessage,
    DateTime? FirstSendStarted,
    DateTime? FirstSent,
    DateTime? LastSent,
    DateTime? FirstMessageSent,
    DateTime? LastMessageSent,
    IReadOnlyList<long> SentPerSecond,
    IReadOnlyList<string> Errors);

/// <summary>The queries the benchmark polls and reads at the end, on its own connections (none of the service's).</summary>
public sealed class ProgressQuery(string connectionString)
{
    public async Task<long> ScheduledAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM invitations WHERE state = 'Scheduled'", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<DatabaseResults> ResultsAsync(DateTime t0, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var invitationStates = await CountsAsync(connection, "SELECT state, count(*) FROM invitations GROUP BY state", ct);
        var messageStates = await CountsAsync(connection, "SELECT state || ' (' || provider || ')', count(*) FROM outbound_messages GROUP BY 1", ct);

        await using var times = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM outbound_messages), (SELECT count(DISTINCT invitation_id) FROM outbound_messages),
                   min(send_started_at), min(sent_at), max(sent_at),
                   (SELECT min(sent_at) FROM outbound_messages), (SELECT max(sent_at) FROM outbound_messages)
            FROM invitations
            """, connection);
        await using var reader = await times.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        DateTime? At(int i) => reader.IsDBNull(i) ? null : reader.GetDateTime(i);
        var (stored, withMessage) = (reader.GetInt64(0), reader.GetInt64(1));
        var (firstStarted, firstSent, lastSent, firstMessage, lastMessage) = (At(2), At(3), At(4), At(5), At(6));
        await reader.CloseAsync();

        return new DatabaseResults(
            invitationStates, messageStates, stored, withMessage, firstStarted, firstSent, lastSent, firstMessage, lastMessage,
            await PerSecondAsync(connection, t0, ct), await ErrorsAsync(connection, ct));
    }

    /// <summary>Invitations recorded as sent in each whole second after T0 (second 0 is the first).</summary>
    private static async Task<IReadOnlyList<long>> PerSecondAsync(NpgsqlConnection connection, DateTime t0, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT floor(extract(epoch FROM sent_at - $1))::int, count(*) FROM invitations WHERE sent_at IS NOT NULL GROUP BY 1 ORDER BY 1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = t0 });
        var counts = new SortedDictionary<int, long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[Math.Max(0, reader.GetInt32(0))] = reader.GetInt64(1);
        }
        return counts.Count == 0 ? [] : [.. Enumerable.Range(0, counts.Keys.Max() + 1).Select(s => counts.GetValueOrDefault(s))];
    }

    /// <summary>A few distinct errors the service recorded, so a failed run says why.</summary>
    private static async Task<IReadOnlyList<string>> ErrorsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT e, count(*) FROM (
                SELECT last_error AS e FROM invitations WHERE last_error IS NOT NULL
                UNION ALL SELECT error FROM outbound_messages WHERE error IS NOT NULL) errors
            GROUP BY e ORDER BY 2 DESC LIMIT 5
            """, connection);
        var errors = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            errors.Add($"{reader.GetInt64(1)} × {reader.GetString(0)}");
        }
        return errors;
    }

    private static async Task<IReadOnlyDictionary<string, long>> CountsAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }
}
