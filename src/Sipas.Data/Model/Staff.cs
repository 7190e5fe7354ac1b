using Microsoft.AspNetCore.Identity;

namespace Sipas.Data.Model;

/// <summary>
/// A staff account (ASP.NET Core Identity). One role per account; Administrators and UnitViewers are scoped to a unit
/// and its subtree, Supervisors read everything. The user name is the sign-in name; staff data is not citizens' personal data.
/// </summary>
public sealed class StaffUser : IdentityUser<Guid>
{
    public required string DisplayName { get; set; }
    public StaffRole Role { get; set; }

    /// <summary>
    /// The root of the subtree this account sees (and, for an Administrator, manages). Null: every unit — always for a
    /// Supervisor, and for the deployment's own Administrators; a UnitViewer always has one.
    /// </summary>
    public Guid? ScopeUnitId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set when an Administrator disabled the account: it can no longer sign in; kept for the audit trail.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
}

public enum StaffRole
{
    /// <summary>Manages units, procedures, settings, templates and staff of its subtree; acts on jobs in the dashboard.</summary>
    Administrator,

    /// <summary>Reads the figures of its subtree; never a citizen's phone or name.</summary>
    UnitViewer,

    /// <summary>Reads everything, including the decision log and the audit trail (the Fatherland Front, the Veterans' Association).</summary>
    Supervisor,
}
