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

    public Task<Guid> SourceIdAsync(SipasDbContext db, string code, CancellationToken ct) => IdAsync(
        _sources, code, db,
        (id, now) => $"INSERT INTO one_stop_sources (id, code, created_at) VALUES ({id}, {code}, {now}) ON CONFLICT (code) DO NOTHING",
        () => db.OneStopSources.Where(s => s.Code == code).Select(s => s.Id).SingleAsync(ct),
        ct);

    public Task<Guid> UnitIdAsync(SipasDbContext db, string code, string? name, CancellationToken ct) => IdAsync(
        _units, code, db,
        (id, now) => $"INSERT INTO units (id, code, name, kind, needs_review, created_at) VALUES ({id}, {code}, {name ?? code}, 'Unknown', true, {now}) ON CONFLICT (code) DO NOTHING",
        () => db.Units.Where(u => u.Code == code).Select(u => u.Id).SingleAsync(ct),
        ct);

    public Task<Guid> ProcedureIdAsync(SipasDbContext db, string code, string? name, CancellationToken ct) => IdAsync(
        _procedures, code, db,
        (id, now) => $"INSERT INTO procedures (id, code, name, needs_review, created_at) VALUES ({id}, {code}, {name ?? code}, true, {now}) ON CONFLICT (code) DO NOTHING",
        () => db.Procedures.Where(p => p.Code == code).Select(p => p.Id).SingleAsync(ct),
        ct);

    /// <summary>Inserts the row unless its code exists (the unique index decides, also between processes), then reads its id.</summary>
    private async Task<Guid> IdAsync(
        ConcurrentDictionary<string, Guid> cache, string code, SipasDbContext db,
        Func<Guid, DateTimeOffset, FormattableString> insert, Func<Task<Guid>> lookup, CancellationToken ct)
    {
        if (cache.TryGetValue(code, out var id))
        {
            return id;
        }

        await db.Database.ExecuteSqlAsync(insert(Guid.CreateVersion7(), time.GetUtcNow()), ct);
        return cache.GetOrAdd(code, await lookup());
    }
}
