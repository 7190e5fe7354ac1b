using Npgsql;
using Sipas.Data;

namespace Sipas.Bot.OneStop;

/// <summary>
/// Writes the rows of new events in groups (<see cref="GroupWriter{TItem, TResult}"/>): under load one statement and
/// one commit carry many events. When a group fails (a repeated event in it, a lost connection), none of it is
/// stored, and each of its events is written again on its own by its caller.
/// </summary>
public sealed class EventGroupWriter(NpgsqlDataSource dataSource, ILogger<EventGroupWriter> logger) : IAsyncDisposable
{
    private readonly GroupWriter<NewEventRows, bool> _writer = new(
        dataSource,
        async (connection, rows, ct) =>
        {
            await using var command = NewEventRows.InsertCommand(connection, [.. rows]);
            await command.ExecuteNonQueryAsync(ct);
            return [.. rows.Select(_ => true)];
        },
        "events",
        logger,
        // A repeated event fails its group now and then.
        expected: ex => ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation });

    /// <summary>True once the event's rows are committed; false when they were not stored and must be written alone.</summary>
    public async Task<bool> TryWriteAsync(NewEventRows rows, CancellationToken ct) => (await _writer.TryWriteAsync(rows, ct)).Written;

    /// <summary>Writes what is already queued, then stops.</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
