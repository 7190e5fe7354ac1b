namespace Sipas.Data.Model;

/// <summary>
/// One staff action: a sign-in or its failure, a change to settings, units, holidays, templates, staff or publications,
/// a job action on the dashboard, a refused request. Appended only; no page or API changes or deletes an entry.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The signed-in staff member, or null (a failed sign-in names the attempted user name in <see cref="ActorName"/>).</summary>
    public Guid? ActorId { get; set; }
    public required string ActorName { get; set; }

    /// <summary>What happened, a stable dotted name such as <c>unit-settings.update</c> or <c>sign-in.failed</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to (a unit code, a user name, a job id, a path).</summary>
    public string? Target { get; set; }

    /// <summary>The unit the action concerns, so an Administrator reads the entries of their subtree.</summary>
    public Guid? UnitId { get; set; }

    /// <summary>JSON of the state before and after, for changes.</summary>
    public string? Before { get; set; }
    public string? After { get; set; }
    public string? RemoteAddress { get; set; }
}
