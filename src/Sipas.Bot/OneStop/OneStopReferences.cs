using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using Sipas.Data.Model;

namespace Sipas.Bot.OneStop;

/// <summary>The ids an event's dossier refers to.</summary>
public sealed record EventReferences(Guid SourceId, Guid UnitId, Guid? ProcedureId);

/// <summary>
/// Ids of sources, units and procedures by code, cached for the life of the process. A code seen for the first
/// time is recorded (flagged for an administrator to review) rather than rejected, so no event is ever lost.
/// Those rows are written in the event's own transaction, so an event that is refused or rolled back leaves none
/// behind, and ids are cached only after that transaction commits, so the cache never names a row that does not exist.
/// </summary>
public sealed class OneStopReferences
{
    private readonly Codes _sources = new("one_stop_sources", "INSERT INTO one_stop_sources (id, code, created_at) VALUES (@id, @code, @now)");
    private readonly Codes _units = new("units", "INSERT INTO units (id, code, name, kind, needs_review, created_at) VALUES (@id, @code, @name, @kind, true, @now)");
    private readonly Codes _procedures = new("procedures", "INSERT INTO procedures (id, code, name, needs_review, created_at) VALUES (@id, @code, @name, true, @now)");

    /// <summary>The ids when every code of the event is known and committed; null when one of them must be resolved.</summary>
    public EventReferences? Cached(string source, ResultReturnedEvent ev)
    {
        if (!_sources.Ids.TryGetValue(source, out var sourceId) || !_units.Ids.TryGetValue(ev.UnitCode, out var unitId))
        {
            return null;
        }

        if (ev.ProcedureCode is null)
        {
            return new EventReferences(sourceId, unitId, null);
        }

        return _procedures.Ids.TryGetValue(ev.ProcedureCode, out var procedureId) ? new EventReferences(sourceId, unitId, procedureId) : null;
    }

    /// <summary>
    /// Inserts the codes not stored yet and reads every id, inside the caller's transaction. Always in the same order
    /// (source, unit, procedure), so two events that wait on each other's new codes cannot deadlock.
    /// </summary>
    public async Task<EventReferences> ResolveAsync(NpgsqlConnection connection, string source, ResultReturnedEvent ev, DateTimeOffset now, CancellationToken ct)
    {
        var sourceId = await _sources.IdAsync(connection, source, now, static (_, _) => { }, ct);
        var unitId = await _units.IdAsync(
            connection, ev.UnitCode, now,
            (parameters, code) =>
            {
                parameters.Add(new NpgsqlParameter<string>("name", NpgsqlDbType.Text) { TypedValue = ev.UnitName ?? code });
                parameters.Add(new NpgsqlParameter<string>("kind", NpgsqlDbType.Text) { TypedValue = nameof(UnitKind.Unknown) });
            },
            ct);
        Guid? procedureId = ev.ProcedureCode is null ? null : await _procedures.IdAsync(
            connection, ev.ProcedureCode, now,
            (parameters, code) => parameters.Add(new NpgsqlParameter<string>("name", NpgsqlDbType.Text) { TypedValue = ev.ProcedureName ?? code }),
            ct);
        return new EventReferences(sourceId, unitId, procedureId);
    }

    /// <summary>Caches what <see cref="ResolveAsync"/> read. Call it only once the transaction has committed.</summary>
    public void Remember(string source, ResultReturnedEvent ev, EventReferences ids)
    {
        _sources.Ids.TryAdd(source, ids.SourceId);
        _units.Ids.TryAdd(ev.UnitCode, ids.UnitId);
        if (ev.ProcedureCode is { } code && ids.ProcedureId is { } id)
        {
            _procedures.Ids.TryAdd(code, id);
        }
    }

    /// <summary>One table of reference codes: its cache, and how a new code is inserted.</summary>
    private sealed class Codes(string table, string insert)
    {
        private readonly string _insertSql = insert + " ON CONFLICT (code) DO NOTHING";
        private readonly string _selectSql = $"SELECT id FROM {table} WHERE code = @code";

        public ConcurrentDictionary<string, Guid> Ids { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// The unique index on the code decides, also between processes. The SELECT is a statement of its own, so under
        /// READ COMMITTED it also sees a row that another transaction committed while our INSERT waited for it.
        /// </summary>
        public async Task<Guid> IdAsync(
            NpgsqlConnection connection, string code, DateTimeOffset now, Action<NpgsqlParameterCollection, string> addColumns, CancellationToken ct)
        {
            if (Ids.TryGetValue(code, out var cached))
            {
                return cached;
            }

            await using var batch = new NpgsqlBatch(connection);
            var insertCommand = new NpgsqlBatchCommand(_insertSql);
            insertCommand.Parameters.Add(new NpgsqlParameter<Guid>("id", NpgsqlDbType.Uuid) { TypedValue = Guid.CreateVersion7() });
            insertCommand.Parameters.Add(new NpgsqlParameter<string>("code", NpgsqlDbType.Text) { TypedValue = code });
            insertCommand.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", NpgsqlDbType.TimestampTz) { TypedValue = now });
            addColumns(insertCommand.Parameters, code);
            var selectCommand = new NpgsqlBatchCommand(_selectSql);
            selectCommand.Parameters.Add(new NpgsqlParameter<string>("code", NpgsqlDbType.Text) { TypedValue = code });
            batch.BatchCommands.Add(insertCommand);
            batch.BatchCommands.Add(selectCommand);
            return (Guid)(await batch.ExecuteScalarAsync(ct))!;
        }
    }
}
