using System.Security.Claims;
using Npgsql;
using Sipas.Data.Model;

namespace Sipas.Bot.Staff;

/// <summary>
/// The units a staff member may see: everything for a Supervisor or an Administrator without a scope unit, else the
/// scope unit and its subtree (units are a tree through <c>parent_id</c>).
/// </summary>
public sealed class StaffScope(NpgsqlDataSource dataSource)
{
    private const string SubtreeSql = """
        WITH RECURSIVE subtree AS (
            SELECT id FROM units WHERE id = @root
            UNION
            SELECT u.id FROM units u JOIN subtree s ON u.parent_id = s.id
        )
        SELECT id FROM subtree
        """;

    private const string AncestorsSql = """
        WITH RECURSIVE up AS (
            SELECT id, parent_id, 0 AS depth FROM units WHERE id = @unit
            UNION ALL
            SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id WHERE up.depth < 64
        )
        SELECT EXISTS (SELECT 1 FROM up WHERE id = @root)
        """;

    /// <summary>True when the user's scope is the whole deployment.</summary>
    public static bool SeesEverything(ClaimsPrincipal user) =>
        user.Role() is StaffRole.Supervisor || (user.Role() is StaffRole.Administrator && user.ScopeUnitId() is null);

    /// <summary>The ids of the units the user may see; null when they see every unit.</summary>
    public async Task<IReadOnlySet<Guid>?> UnitIdsAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (SeesEverything(user))
        {
            return null;
        }

        var ids = new HashSet<Guid>();
        if (user.ScopeUnitId() is not { } root)
        {
            return ids;
        }

        await using var command = dataSource.CreateCommand(SubtreeSql);
        command.Parameters.AddWithValue("root", root);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>True when the unit lies in the user's scope.</summary>
    public async Task<bool> CoversAsync(ClaimsPrincipal user, Guid unitId, CancellationToken ct)
    {
        if (SeesEverything(user))
        {
            return true;
        }

        if (user.ScopeUnitId() is not { } root)
        {
            return false;
        }

        await using var command = dataSource.CreateCommand(AncestorsSql);
        command.Parameters.AddWithValue("unit", unitId);
        command.Parameters.AddWithValue("root", root);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
