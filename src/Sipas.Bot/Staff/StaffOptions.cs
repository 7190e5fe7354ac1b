using System.ComponentModel.DataAnnotations;

namespace Sipas.Bot.Staff;

/// <summary>The `Staff` configuration section.</summary>
public sealed class StaffOptions
{
    public const string Section = "Staff";

    [Range(1, 10_000)]
    public int SignInPermitsPerMinute { get; set; } = 10;

    /// <summary>
    /// The first administrator, created at start when no staff account exists yet (then ignored): set
    /// <c>Staff__FirstAdministrator__UserName</c> and <c>Staff__FirstAdministrator__Password</c> in the environment.
    /// There is no default password; the command line's <c>create-admin</c> does the same.
    /// </summary>
    public FirstAdministratorOptions FirstAdministrator { get; set; } = new();

    public sealed class FirstAdministratorOptions
    {
        public string? UserName { get; set; }
        public string? Password { get; set; }
        public string? DisplayName { get; set; }

        /// <summary>A unit code to scope the administrator to; empty: the whole deployment.</summary>
        public string? Unit { get; set; }
    }
}
