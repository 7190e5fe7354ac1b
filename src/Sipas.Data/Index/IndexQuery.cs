using Microsoft.EntityFrameworkCore;
using Sipas.Data.Model;

namespace Sipas.Data.Index;

/// <summary>
/// Counts, for a unit (and optionally its subtree) and a period of return dates, the answers per item and the
/// response funnel. Periods follow the dossier's return date, not the answer's (docs/sipas-method.md §4);
/// late answers are kept but not counted. What is valid, satisfied and dissatisfied comes from the method's
/// <see cref="RuleSet"/> as parameters, never from literals here.
/// </summary>
public sealed class IndexQuery(SipasDbContext db)
{
    private const string Scope = """
        WITH RECURSIVE scope AS (
            SELECT id FROM units WHERE id = {0}
            UNION ALL
            SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id WHERE {1}
        ),
        period_dossiers AS (
            SELECT d.id FROM dossiers d
            WHERE d.unit_id IN (SELECT id FROM scope) AND d.returned_at >= {2} AND d.returned_at < {3}
        )
        """;

    // Column aliases are snake_case: the naming convention maps the result records' properties that way too.
    public async Task<IndexCounts> CountAsync(Guid unitId, bool children, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken ct)
    {
        var rules = IndexFormulas.Rules;
        object[] parameters =
        [
            unitId, children, fromUtc, toUtc,
            nameof(AnswerKind.Scale), rules.ScaleMin, rules.ScaleMax, rules.SatisfiedFrom, rules.DissatisfiedUpTo, QuestionnaireSeed.OverallItem,
        ];
        var items = await db.Database.SqlQueryRaw<ItemCount>(
            Scope + """
            SELECT a.item_code AS item_code,
                   count(*)::int AS valid,
                   count(*) FILTER (WHERE a.value >= {7})::int AS satisfied
            FROM answers a
            JOIN responses r ON r.id = a.response_id
            JOIN invitations i ON i.id = r.invitation_id
            JOIN period_dossiers d ON d.id = i.dossier_id
            WHERE a.kind = {4} AND a.value BETWEEN {5} AND {6} AND NOT a.is_late
            GROUP BY a.item_code
            """,
            parameters).ToListAsync(ct);

        var funnel = await db.Database.SqlQueryRaw<FunnelCounts>(
            Scope + """
            , overall AS (
                SELECT r.invitation_id, a.value FROM answers a
                JOIN responses r ON r.id = a.response_id
                WHERE a.item_code = {9} AND a.kind = {4} AND a.value BETWEEN {5} AND {6} AND NOT a.is_late
            )
            SELECT count(*)::int AS events,
                   count(i.sent_at)::int AS invited,
                   count(i.delivered_at)::int AS delivered,
                   count(i.started_at)::int AS started,
                   count(o.invitation_id)::int AS completed,
                   count(*) FILTER (WHERE o.value <= {8})::int AS dissatisfied
            FROM period_dossiers d
            JOIN invitations i ON i.dossier_id = d.id
            LEFT JOIN overall o ON o.invitation_id = i.id
            """,
            parameters).SingleAsync(ct);

        return new IndexCounts(items, funnel);
    }

    public Task<Unit?> FindUnitAsync(string code, CancellationToken ct) =>
        db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == code, ct);
}

public sealed record ItemCount(string ItemCode, int Valid, int Satisfied);

public sealed record FunnelCounts(int Events, int Invited, int Delivered, int Started, int Completed, int Dissatisfied);

public sealed record IndexCounts(IReadOnlyList<ItemCount> Items, FunnelCounts Funnel);
