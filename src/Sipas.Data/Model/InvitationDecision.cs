namespace Sipas.Data.Model;

/// <summary>
/// One decision not to send an invitation now: deferred (window, holiday, rate limit), skipped (opted out, fatigue
/// cap, not mobile, stale, no channel) or failed. Written in the same transaction as the change it explains, so a
/// Supervisor can read why any citizen was or was not asked.
/// </summary>
public sealed class InvitationDecision
{
    public long Id { get; set; }
    public Guid InvitationId { get; set; }

    /// <summary>The dossier's unit, copied so the log filters by unit without joins.</summary>
    public Guid UnitId { get; set; }
    public DateTimeOffset At { get; set; }
    public DecisionKind Kind { get; set; }

    /// <summary>The rule that decided, a stable name: <c>window</c>, <c>holiday</c>, <c>rate-limit</c>, <c>opted-out</c>, <c>fatigue-cap</c>, <c>not-mobile</c>, <c>stale</c>, <c>no-channel</c>, <c>provider-error</c>…</summary>
    public required string Rule { get; set; }

    /// <summary>JSON of the rule's parameters as they were applied (the window, the holiday's name, the fatigue days…).</summary>
    public string? Parameters { get; set; }

    /// <summary>For a deferral: when the invitation will be tried again.</summary>
    public DateTimeOffset? DeferredUntil { get; set; }
}

public enum DecisionKind
{
    Deferred,
    Skipped,
    Failed,
}
