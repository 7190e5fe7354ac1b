namespace Sipas.Data.Model;

/// <summary>A phone that refused further surveys; permanent until <see cref="OptedInAt"/> is set.</summary>
public sealed class OptOut
{
    public Guid Id { get; set; }
    public required byte[] PhoneHash { get; set; }
    public ChannelKind Channel { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset OptedOutAt { get; set; }
    public DateTimeOffset? OptedInAt { get; set; }
}
