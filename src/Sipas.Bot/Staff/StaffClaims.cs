using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Sipas.Data.Model;

namespace Sipas.Bot.Staff;

/// <summary>What a signed-in staff member's cookie says about them: their role, their scope and their display name.</summary>
public static class StaffClaims
{
    public const string Scope = "sipas:scope";
    public const string DisplayName = "sipas:display-name";

    public static Guid? Id(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static StaffRole? Role(this ClaimsPrincipal user) =>
        Enum.TryParse<StaffRole>(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;

    /// <summary>The root of the subtree the user sees; null for everything (a Supervisor, or an Administrator of the whole deployment).</summary>
    public static Guid? ScopeUnitId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(Scope), out var id) ? id : null;

    public static string Name(this ClaimsPrincipal user) =>
        user.FindFirstValue(DisplayName) ?? user.Identity?.Name ?? "";

    public static string RoleName(StaffRole role) => role switch
    {
        StaffRole.Administrator => "Quản trị viên",
        StaffRole.UnitViewer => "Cán bộ theo dõi đơn vị",
        StaffRole.Supervisor => "Giám sát viên",
        _ => role.ToString(),
    };
}

/// <summary>Adds the role, scope and display name to the principal Identity builds at sign-in (and at each security-stamp check).</summary>
public sealed class StaffClaimsFactory(UserManager<StaffUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role.ToString()));
        identity.AddClaim(new Claim(StaffClaims.DisplayName, user.DisplayName));
        if (user.ScopeUnitId is { } scope && user.Role != StaffRole.Supervisor)
        {
            identity.AddClaim(new Claim(StaffClaims.Scope, scope.ToString("D", CultureInfo.InvariantCulture)));
        }

        return identity;
    }
}
