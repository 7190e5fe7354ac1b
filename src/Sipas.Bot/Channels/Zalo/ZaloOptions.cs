using System.ComponentModel.DataAnnotations;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>
/// The `Channels:Zalo` section (docs/channels.md §2), shared by the ZNS and OA providers: one Zalo app, one Official
/// Account, one rotating OAuth token pair. Secrets come from configuration or the environment, never the repository.
/// </summary>
public sealed class ZaloOptions : IValidatableObject
{
    public const string Section = "Channels:Zalo";

    public string? AppId { get; set; }

    /// <summary>The app's secret key: the <c>secret_key</c> header of the OAuth token endpoint.</summary>
    public string? AppSecret { get; set; }

    public string? OaId { get; set; }

    /// <summary>The OA secret key that signs webhooks (<c>X-ZEvent-Signature</c>).</summary>
    public string? OaSecretKey { get; set; }

    /// <summary>More webhook keys, tried after <see cref="OaSecretKey"/>: the old and the new one while a key is rotated.</summary>
    public List<string> OaSecretKeys { get; set; } = [];

    [Required]
    [Url]
    public string OAuthBaseUrl { get; set; } = "https://oauth.zaloapp.com";

    [Required]
    [Url]
    public string BusinessBaseUrl { get; set; } = "https://business.openapi.zalo.me";

    [Required]
    [Url]
    public string OpenApiBaseUrl { get; set; } = "https://openapi.zalo.me";

    /// <summary>
    /// The refresh token an OA admin minted (consent or API Explorer). Read only while the database holds no token
    /// pair: the first refresh stores the rotated pair there, and from then on the stored pair is used.
    /// </summary>
    public string? InitialRefreshToken { get; set; }

    public ZaloZnsOptions Zns { get; set; } = new();

    /// <summary>Preset reason text of the rating template → dimension code (ACCESS, PROCEDURE…), for reporting reasons per dimension.</summary>
    public Dictionary<string, string> RatingReasons { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every webhook key, in the order they are tried.</summary>
    public IReadOnlyList<string> WebhookSecrets =>
        [.. new[] { OaSecretKey }.Concat(OaSecretKeys).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!).Distinct(StringComparer.Ordinal)];

    /// <summary>The ids a webhook signature may start with: app id first (documented), then OA id (reported by some integrators).</summary>
    public IReadOnlyList<string> WebhookIds =>
        [.. new[] { AppId, OaId }.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!).Distinct(StringComparer.Ordinal)];

    /// <summary>The app, the OA and a token to start from: what both providers need.</summary>
    public bool HasAccount =>
        !string.IsNullOrWhiteSpace(AppId) && !string.IsNullOrWhiteSpace(AppSecret) && !string.IsNullOrWhiteSpace(OaId)
        && !string.IsNullOrWhiteSpace(InitialRefreshToken);

    public bool IsZnsConfigured => HasAccount && !string.IsNullOrWhiteSpace(Zns.InvitationTemplateId);

    public bool IsOaConfigured => HasAccount;

    /// <summary>The template the rating comes back on (the invitation's, unless a separate one is named).</summary>
    public string? RatingTemplate => string.IsNullOrWhiteSpace(Zns.RatingTemplateId) ? Zns.InvitationTemplateId : Zns.RatingTemplateId;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, key) in Zns.Params)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                yield return new ValidationResult($"Channels:Zalo:Zns:Params:{name} must name a data key (unit_name, procedure_name, dossier_code, returned_at, expires_at, survey_code, link).");
            }
        }

        foreach (var (name, max) in Zns.ParamMaxLengths)
        {
            if (max <= 0)
            {
                yield return new ValidationResult($"Channels:Zalo:Zns:ParamMaxLengths:{name} must be a positive length, not {max}.");
            }
        }

        if (HasAccount && !string.IsNullOrWhiteSpace(Zns.InvitationTemplateId) && Zns.Params.Count == 0)
        {
            yield return new ValidationResult("Channels:Zalo:Zns:Params must map the template's parameters to data keys, e.g. Channels:Zalo:Zns:Params:ten_co_quan=unit_name.");
        }
    }
}

/// <summary>The `Channels:Zalo:Zns` section: the registered templates and how their parameters are filled.</summary>
public sealed class ZaloZnsOptions
{
    public string? InvitationTemplateId { get; set; }

    /// <summary>The reminder's template; the invitation's when absent.</summary>
    public string? ReminderTemplateId { get; set; }

    /// <summary>The "đánh giá dịch vụ" template whose ratings are read back; the invitation's when absent (the invitation is usually the rating template itself).</summary>
    public string? RatingTemplateId { get; set; }

    /// <summary>Template parameter name → the message data key that fills it (e.g. <c>ten_co_quan: unit_name</c>).</summary>
    public Dictionary<string, string> Params { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Template parameter name → its maxLength in the template (longer values are cut, not refused with -1121).</summary>
    public Dictionary<string, int> ParamMaxLengths { get; set; } = new(StringComparer.Ordinal);
}
