namespace Sipas.Data.Model;

/// <summary>
/// What every process must agree on about one provider: whether it is paused (after a configuration error:
/// wrong credentials, sender not registered…), and the credentials it rotates itself (Zalo's OAuth token pair).
/// </summary>
public sealed class ChannelProviderState
{
    public required string Provider { get; set; }

    /// <summary>No message goes to the provider until then; invitations fall back to the next channel meanwhile.</summary>
    public DateTimeOffset? PausedUntil { get; set; }
    public string? PauseReason { get; set; }

    /// <summary>Provider-specific secrets kept by Sipas (a rotating token pair), encrypted like personal data.</summary>
    public byte[]? CredentialsEncrypted { get; set; }

    /// <summary>When the stored credentials must be renewed (refresh ahead of the access token's expiry).</summary>
    public DateTimeOffset? CredentialsRenewAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One shared rate limit (a provider, or a provider and one chat), as a generic cell rate algorithm: the time at
/// which the next message would be on schedule. Every sender reserves its slot with one atomic update, so processes
/// share the limit without talking to each other.
/// </summary>
public sealed class RateLimitSlot
{
    public required string Key { get; set; }
    public DateTimeOffset TheoreticalArrival { get; set; }
}
