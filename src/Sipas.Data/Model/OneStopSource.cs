namespace Sipas.Data.Model;

/// <summary>
/// A one-stop system (iGate, DVC portal…) allowed to post events. Its secrets come from configuration
/// (<c>OneStop:Sources:{code}:Secrets</c>) or from <see cref="OneStopSourceSecret"/> rows added with `source add`.
/// </summary>
public sealed class OneStopSource
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// An HMAC secret of a source, added by an operator. The service must recover it to check signatures, so it is
/// stored encrypted with the personal-data key rather than hashed; a retired secret is kept for the record.
/// </summary>
public sealed class OneStopSourceSecret
{
    public Guid Id { get; set; }
    public Guid SourceId { get; set; }
    public required byte[] SecretEncrypted { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }

    public OneStopSource? Source { get; set; }
}
