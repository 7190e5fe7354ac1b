using System.Threading.Channels;
using Npgsql;

namespace Sipas.Bot.OneStop;

/// <summary>
/// Writes the rows of new events in groups: each of a few writers takes all the events waiting when it is free and
/// inserts them with one statement and one commit, on a connection it keeps open. A statement's and a commit's fixed
/// work (round trip, executor start-up, WAL flush, the pooled connection's reset) costs PostgreSQL more than an
/// event's rows do (BENCHMARKS.md), so under load it is shared; an event that arrives alone is written at once, alone.
/// An event is answered only after its group has committed. When a group fails for any reason (a repeated event in
/// it, a lost connection), none of it is stored, and the caller writes each of its events again on its own.
/// </summary>
public sealed class EventGroupWriter : IAsyncDisposable
{
    // Two cores serve requests and PostgreSQL alike: a few writers keep one group committing while the next is built.
    private static readonly int Writers = int.TryParse(Environment.GetEnvironmentVariable("SIPAS_EXPERIMENT_WRITERS"), out var n) ? n : 4;
    private const int MaxGroup = 64;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<EventGroupWriter> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Task[] _writers;

    public EventGroupWriter(NpgsqlDataSource dataSource, ILogger<EventGroupWriter> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
        _writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteGroupsAsync)).ToArray();
    }

    /// <summary>True once the event's rows are committed; false when they were not stored and must be written alone.</summary>
    public async Task<bool> TryWriteAsync(NewEventRows rows, CancellationToken ct)
    {
        var pending = new Pending(rows);
        return _queue.Writer.TryWrite(pending) && await pending.Written.Task.WaitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private async Task WriteGroupsAsync()
    {
        NpgsqlConnection? connection = null;
        var group = new List<Pending>(MaxGroup);
        try
        {
            // ReadAsync hands each event to one idle writer; the others sleep on.
            while (await NextAsync() is { } first)
            {
                group.Add(first);
                while (group.Count < MaxGroup && _queue.Reader.TryRead(out var pending))
                {
                    group.Add(pending);
                }

                var written = false;
                try
                {
                    connection ??= await _dataSource.OpenConnectionAsync();
                    await using var command = NewEventRows.InsertCommand(connection, group.ConvertAll(p => p.Rows));
                    await command.ExecuteNonQueryAsync();
                    written = true;
                }
                catch (Exception ex)
                {
                    // Repeated events are expected here now and then; anything else is worth a line.
                    if (ex is not PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
                    {
                        _logger.LogWarning(ex, "Writing a group of {Count} events failed; each is written again on its own", group.Count);
                    }

                    // A fresh connection next time, rather than working out whether this one survived.
                    await DisposeAsync(connection);
                    connection = null;
                }

                foreach (var pending in group)
                {
                    pending.Written.TrySetResult(written);
                }

                group.Clear();
            }
        }
        finally
        {
            await DisposeAsync(connection);
        }
    }

    private async Task<Pending?> NextAsync()
    {
        try
        {
            return await _queue.Reader.ReadAsync();
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    private static async ValueTask DisposeAsync(NpgsqlConnection? connection)
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    private sealed class Pending(NewEventRows rows)
    {
        public NewEventRows Rows { get; } = rows;

        // Each caller continues on its own thread, not on the writer's, which moves on to the next group.
        public TaskCompletionSource<bool> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
