using System.Threading.Channels;
using Npgsql;

namespace Sipas.Bot.OneStop;

/// <summary>
/// Writes the rows of new events in groups. One writer takes every event waiting when it is free and inserts them all
/// with one statement and one commit, on a connection it keeps open; the events that arrive meanwhile form the next
/// group. A statement's and a commit's fixed work (round trip, executor start-up, WAL flush, the pooled connection's
/// reset) costs more than an event's rows do (BENCHMARKS.md), so under load it is shared, and an event that arrives
/// alone is written at once, alone. An event is answered only after its group has committed. When a group fails for
/// any reason (a repeated event in it, a lost connection), none of it is stored, and each of its events is written
/// again on its own by its caller.
/// </summary>
/// <remarks>
/// One writer rather than several: more writers only split the same events into smaller groups, which cost more CPU
/// per event and gave lower throughput and higher p99 at every concurrency measured (BENCHMARKS.md).
/// </remarks>
public sealed class EventGroupWriter : IAsyncDisposable
{
    private const int MaxGroup = 64;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<EventGroupWriter> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private NpgsqlConnection? _connection;

    public EventGroupWriter(NpgsqlDataSource dataSource, ILogger<EventGroupWriter> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
        _writer = Task.Run(WriteGroupsAsync);
    }

    /// <summary>True once the event's rows are committed; false when they were not stored and must be written alone.</summary>
    public async Task<bool> TryWriteAsync(NewEventRows rows, CancellationToken ct)
    {
        var pending = new Pending(rows);
        return _queue.Writer.TryWrite(pending) && await pending.Written.Task.WaitAsync(ct);
    }

    /// <summary>Writes what is already queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteGroupsAsync()
    {
        var group = new List<Pending>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            var written = await TryInsertAsync(group);
            foreach (var pending in group)
            {
                pending.Written.TrySetResult(written);
            }

            group.Clear();
        }

        await CloseConnectionAsync();
    }

    /// <summary>Never throws: whatever goes wrong, the group's callers get false and write their events alone.</summary>
    private async Task<bool> TryInsertAsync(List<Pending> group)
    {
        try
        {
            _connection ??= await _dataSource.OpenConnectionAsync();
            await using var command = NewEventRows.InsertCommand(_connection, group.ConvertAll(p => p.Rows));
            await command.ExecuteNonQueryAsync();
            return true;
        }
        catch (Exception ex)
        {
            // A repeated event fails its group now and then; anything else is worth a line.
            if (ex is not PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                _logger.LogWarning(ex, "Writing a group of {Count} events failed; each is written again on its own", group.Count);
            }

            // A fresh connection next time, rather than working out whether this one survived.
            await CloseConnectionAsync();
            return false;
        }
    }

    private async Task CloseConnectionAsync()
    {
        try
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Closing the event writer's connection failed");
        }
        finally
        {
            _connection = null;
        }
    }

    private sealed class Pending(NewEventRows rows)
    {
        public NewEventRows Rows { get; } = rows;

        // Each caller continues on a thread of its own, not on the writer's, which moves on to the next group.
        public TaskCompletionSource<bool> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
