namespace Sipas.Data.Model;

/// <summary>An administrative unit (đơn vị): province, department, commune/ward, or a legacy district.</summary>
public sealed class Unit
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public UnitKind Kind { get; set; }
    public Guid? ParentId { get; set; }
    public Unit? Parent { get; set; }
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }

    /// <summary>Set when the unit was first seen in a one-stop event rather than created by an administrator.</summary>
    public bool NeedsReview { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum UnitKind
{
    Unknown,
    Province,
    Department,
    District,
    Commune,
}
