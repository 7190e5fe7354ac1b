using Microsoft.AspNetCore.Authorization;
using Sipas.Data.Model;

namespace Sipas.Bot.Staff;

/// <summary>
/// The one place that says who may do what. Every staff route requires one of the role policies; a route about a
/// unit also asks <see cref="UnitInScope"/> or <see cref="ManageUnit"/> for that unit (a resource-based check through
/// <see cref="IAuthorizationService"/>), so a UnitViewer never reads another unit's figures.
/// </summary>
public static class StaffPolicies
{
    /// <summary>Any signed-in staff member: Administrator, UnitViewer or Supervisor.</summary>
    public const string SignedIn = "staff";

    /// <summary>Administrators: manage units, settings, holidays, templates and staff of their subtree; act on jobs.</summary>
    public const string Administer = "staff:administer";

    /// <summary>Supervisors and Administrators: the decision log and the audit trail.</summary>
    public const string Oversee = "staff:oversee";

    /// <summary>Resource policy (a <see cref="UnitResource"/>): the unit is in the user's scope.</summary>
    public const string UnitInScope = "staff:unit-in-scope";

    /// <summary>Resource policy (a <see cref="UnitResource"/>): an Administrator whose scope covers the unit.</summary>
    public const string ManageUnit = "staff:manage-unit";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser().RequireRole(Names(StaffRole.Administrator, StaffRole.UnitViewer, StaffRole.Supervisor)));
        options.AddPolicy(Administer, p => p.RequireAuthenticatedUser().RequireRole(Names(StaffRole.Administrator)));
        options.AddPolicy(Oversee, p => p.RequireAuthenticatedUser().RequireRole(Names(StaffRole.Administrator, StaffRole.Supervisor)));
        options.AddPolicy(UnitInScope, p => p.RequireAuthenticatedUser().AddRequirements(new UnitScopeRequirement(ManageOnly: false)));
        options.AddPolicy(ManageUnit, p => p.RequireAuthenticatedUser().AddRequirements(new UnitScopeRequirement(ManageOnly: true)));
    }

    private static string[] Names(params StaffRole[] roles) => [.. roles.Select(r => r.ToString())];
}

/// <summary>A unit, as the resource of <see cref="StaffPolicies.UnitInScope"/> and <see cref="StaffPolicies.ManageUnit"/>.</summary>
public sealed record UnitResource(Guid Id);

public sealed record UnitScopeRequirement(bool ManageOnly) : IAuthorizationRequirement;

public sealed class UnitScopeHandler(StaffScope scope) : AuthorizationHandler<UnitScopeRequirement, UnitResource>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, UnitScopeRequirement requirement, UnitResource resource)
    {
        var role = context.User.Role();
        var allowed = requirement.ManageOnly ? role is StaffRole.Administrator : role is not null;
        if (allowed && await scope.CoversAsync(context.User, resource.Id, CancellationToken.None))
        {
            context.Succeed(requirement);
        }
    }
}
