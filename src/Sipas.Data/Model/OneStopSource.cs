namespace Sipas.Data.Model;

/// <summary>A one-stop system (iGate, DVC portal…) allowed to post events. Its secrets live in configuration, not here.</summary>
public sealed class OneStopSource
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
