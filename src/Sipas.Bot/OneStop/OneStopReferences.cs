using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sipas.Data;

namespace Sipas.Bot.OneStop;

/// <summary>
/// Ids of sources, units and procedures by code, cached for the life of the process. A code seen for the first
/// time is recorded (flagged for an administrator to review) rather than rejected, so no event is ever lost.
/// </summary>
public sealed class OneStopReferences(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Guid> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Guid> _units = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Guid> _procedures = new(StringComparer.Ordinal);

    public async Task<Guid> SourceIdAsync(SipasDbContext db, string code, CancellationToken ct)
    {
        if (_sources.TryGetValue(code, out var id))
        {
            return id;
        }

        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO one_stop_sources (id, code, created_at) VALUES ({Guid.CreateVersion7()}, {code}, {now}) ON CONFLICT (code) DO NOTHING", ct);
        id = await db.OneStopSources.Where(s => s.Code == code).Select(s => s.Id).SingleAsync(ct);
        return _sources.GetOrAdd(code, id);
    }

    public async Task<Guid> UnitIdAsync(SipasDbContext db, string code, string? name, CancellationToken ct)
    {
        if (_units.TryGetValue(code, out var id))
        {
            return id;
        }

        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO units (id, code, name, kind, needs_review, created_at) VALUES ({Guid.CreateVersion7()}, {code}, {name ?? code}, 'Unknown', true, {now}) ON CONFLICT (code) DO NOTHING", ct);
        id = await db.Units.Where(u => u.Code == code).Select(u => u.Id).SingleAsync(ct);
        return _units.GetOrAdd(code, id);
    }

    public async Task<Guid> ProcedureIdAsync(SipasDbContext db, string code, string? name, CancellationToken ct)
    {
        if (_procedures.TryGetValue(code, out var id))
        {
            return id;
        }

        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO procedures (id, code, name, needs_review, created_at) VALUES ({Guid.CreateVersion7()}, {code}, {name ?? code}, true, {now}) ON CONFLICT (code) DO NOTHING", ct);
        id = await db.Procedures.Where(p => p.Code == code).Select(p => p.Id).SingleAsync(ct);
        return _procedures.GetOrAdd(code, id);
    }
}
