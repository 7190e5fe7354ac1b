namespace Sipas.Data.Model;

/// <summary>An administrative procedure (thủ tục hành chính), identified by its national code.</summary>
public sealed class Procedure
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }

    /// <summary>Set when the procedure was first seen in a one-stop event rather than created by an administrator.</summary>
    public bool NeedsReview { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
