using Microsoft.AspNetCore.Authorization;

namespace Sipas.Bot.Staff;

/// <summary>The scope half of the policy, for handlers that learn the unit from the request: allowed, or refused and audited.</summary>
public static class StaffAccess
{
    /// <param name="policy"><see cref="StaffPolicies.UnitInScope"/> to read, <see cref="StaffPolicies.ManageUnit"/> to change.</param>
    public static async Task<bool> AllowsAsync(HttpContext http, Guid unitId, string policy, CancellationToken ct)
    {
        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        if ((await authorization.AuthorizeAsync(http.User, new UnitResource(unitId), policy)).Succeeded)
        {
            return true;
        }

        await RecordDenialAsync(http, ct, unitId);
        return false;
    }

    /// <summary>The audit entry of a refused request: what was asked, and the unit it concerned (else the caller's scope).</summary>
    public static Task RecordDenialAsync(HttpContext http, CancellationToken ct, Guid? unitId = null) =>
        http.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(
            AuditActions.AccessDenied, $"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}", ct, unitId: unitId ?? http.User.ScopeUnitId());
}
