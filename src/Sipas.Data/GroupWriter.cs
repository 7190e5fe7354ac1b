using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Sipas.Data;

/// <summary>
/// Writes items in groups. One writer takes every item waiting when it is free and writes them all with one statement
/// and one commit, on a connection it keeps open; the items that arrive meanwhile form the next group. A statement's
/// and a commit's fixed work (round trip, executor start-up, WAL flush, the pooled connection's reset) costs more than
/// an item's rows do (BENCHMARKS.md), so under load it is shared, and an item that arrives alone is written at once,
/// alone. A caller is answered only after its group has committed. When a group fails for any reason (a lost
/// connection, a constraint one item broke), none of it is stored, and each caller is told so and writes its item alone.
/// </summary>
/// <remarks>
/// One writer rather than several: more writers only split the same items into smaller groups, which cost more CPU
/// per item and gave lower throughput and higher p99 at every concurrency measured (BENCHMARKS.md, ingest).
/// </remarks>
/// <typeparam name="TResult">What the statement tells each item (e.g. whether its row was inserted).</typeparam>
public sealed class GroupWriter<TItem, TResult> : IAsyncDisposable
{
    /// <summary>Writes a group on the writer's connection and returns one result per item, in the items' order.</summary>
    public delegate Task<IReadOnlyList<TResult>> WriteGroup(NpgsqlConnection connection, IReadOnlyList<TItem> items, CancellationToken ct);

    private readonly NpgsqlDataSource _dataSource;
    private readonly WriteGroup _write;
    private readonly Func<Exception, bool> _expected;
    private readonly string _what;
    private readonly ILogger _logger;
    private readonly int _maxGroup;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private NpgsqlConnection? _connection;

    /// <param name="what">What a group holds, for the log ("events", "messages").</param>
    /// <param name="expected">Failures that happen in normal operation (logged at no level): the items are written alone.</param>
    public GroupWriter(NpgsqlDataSource dataSource, WriteGroup write, string what, ILogger logger, Func<Exception, bool>? expected = null, int maxGroup = 64)
    {
        _dataSource = dataSource;
        _write = write;
        _what = what;
        _logger = logger;
        _expected = expected ?? (_ => false);
        _maxGroup = maxGroup;
        _writer = Task.Run(WriteGroupsAsync);
    }

    /// <summary>The item's result once its group has committed; <c>Written = false</c> when it was not stored and must be written alone.</summary>
    public async Task<(bool Written, TResult? Result)> TryWriteAsync(TItem item, CancellationToken ct)
    {
        var pending = new Pending(item);
        return _queue.Writer.TryWrite(pending) ? await pending.Done.Task.WaitAsync(ct) : (false, default);
    }

    /// <summary>Writes what is already queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteGroupsAsync()
    {
        var group = new List<Pending>(_maxGroup);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (group.Count < _maxGroup && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            var results = await TryWriteGroupAsync(group);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetResult(results is null ? (false, default) : (true, results[i]));
            }

            group.Clear();
        }

        await CloseConnectionAsync();
    }

    /// <summary>Never throws: whatever goes wrong, the group's callers are told and write their items alone.</summary>
    private async Task<IReadOnlyList<TResult>?> TryWriteGroupAsync(List<Pending> group)
    {
        try
        {
            _connection ??= await _dataSource.OpenConnectionAsync();
            var results = await _write(_connection, group.ConvertAll(p => p.Item), CancellationToken.None);
            if (results.Count != group.Count)
            {
                throw new InvalidOperationException($"A group write returned {results.Count} results for {group.Count} {_what}.");
            }

            return results;
        }
        catch (Exception ex)
        {
            if (!_expected(ex))
            {
                _logger.LogWarning(ex, "Writing a group of {Count} {What} failed; each is written again on its own", group.Count, _what);
            }

            // A fresh connection next time, rather than working out whether this one survived.
            await CloseConnectionAsync();
            return null;
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
            _logger.LogWarning(ex, "Closing the {What} writer's connection failed", _what);
        }
        finally
        {
            _connection = null;
        }
    }

    private sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;

        // Each caller continues on a thread of its own, not on the writer's, which moves on to the next group.
        public TaskCompletionSource<(bool Written, TResult? Result)> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
