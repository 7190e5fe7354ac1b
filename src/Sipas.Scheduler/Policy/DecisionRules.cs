using System.Text.Json;
using Sipas.Data.Model;

namespace Sipas.Scheduler.Policy;

/// <summary>
/// The names of the rules behind every decision not to send an invitation now, as <see cref="InvitationDecision.Rule"/>
/// stores them and the decision log shows them. The only place they are spelled.
/// </summary>
public static class DecisionRules
{
    /// <summary>Outside the unit's allowed local hours.</summary>
    public const string Window = "window";

    /// <summary>On a public holiday (local date).</summary>
    public const string Holiday = "holiday";

    /// <summary>The provider's rate-limit slot is too far away to wait for while holding the claim.</summary>
    public const string RateLimit = "rate-limit";

    /// <summary>The citizen still has another survey open on the chosen channel.</summary>
    public const string OpenSurvey = "open-survey";

    public const string OptedOut = "opted-out";
    public const string FatigueCap = "fatigue-cap";
    public const string NotMobile = "not-mobile";

    /// <summary>The dossier's return is older than <c>Survey:MaxEventAge</c>.</summary>
    public const string Stale = "stale";

    public const string NoChannel = "no-channel";

    /// <summary>A provider refused or failed the send (a retry planned, or final).</summary>
    public const string ProviderError = "provider-error";

    /// <summary>Every allowed attempt was used up.</summary>
    public const string AttemptsExhausted = "attempts-exhausted";

    public static IReadOnlyList<string> All { get; } =
        [Window, Holiday, RateLimit, OpenSurvey, OptedOut, FatigueCap, NotMobile, Stale, NoChannel, ProviderError, AttemptsExhausted];

    /// <summary>The rule of a skip reason stored on the invitation.</summary>
    public static string For(SkipReason reason) => reason switch
    {
        SkipReason.EventTooOld => Stale,
        SkipReason.OptedOut => OptedOut,
        SkipReason.RecentlySurveyed => FatigueCap,
        SkipReason.PhoneNotMobile => NotMobile,
        SkipReason.NoChannel => NoChannel,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "A skip reason without a rule."),
    };
}

/// <summary>One decision not to send now, as <see cref="InvitationDecision"/> records it: the rule, its parameters as JSON, and for a deferral when it is due again.</summary>
public sealed record PolicyDecision(DecisionKind Kind, string Rule, string Parameters, DateTimeOffset? DeferredUntil = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static PolicyDecision Deferred(string rule, DateTimeOffset until, object parameters) => new(DecisionKind.Deferred, rule, ToJson(parameters), until);

    public static PolicyDecision Skipped(string rule, object parameters) => new(DecisionKind.Skipped, rule, ToJson(parameters));

    public static PolicyDecision Failed(string rule, object parameters, DateTimeOffset? retryAt = null) => new(DecisionKind.Failed, rule, ToJson(parameters), retryAt);

    public static string ToJson(object parameters) => JsonSerializer.Serialize(parameters, parameters.GetType(), Json);
}
