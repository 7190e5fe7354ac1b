namespace Sipas.Data.Model;

/// <summary>A contact that refused further surveys, on every channel or only on one; permanent until <see cref="OptedInAt"/> is set.</summary>
public sealed class OptOut
{
    public Guid Id { get; set; }
    public Guid ContactId { get; set; }

    /// <summary>Where the refusal came from.</summary>
    public ChannelKind Channel { get; set; }

    /// <summary>Null: no survey on any channel (the citizen said TỪ CHỐI). Set: only this channel is closed (they blocked the bot).</summary>
    public ChannelKind? OnlyChannel { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset OptedOutAt { get; set; }
    public DateTimeOffset? OptedInAt { get; set; }
}
