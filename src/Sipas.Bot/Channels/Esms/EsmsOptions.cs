using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Sipas.Bot.Channels.Esms;

/// <summary>
/// The `Channels:Esms` section (docs/channels.md §4.3): eSMS.vn customer-care (CSKH) brandname SMS, and optionally
/// its short-code MO service for two-way SMS. Secrets come from configuration or the environment, never the repository.
/// </summary>
public sealed partial class EsmsOptions : IValidatableObject
{
    public const string Section = "Channels:Esms";

    public string? ApiKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>The registered brandname (≤ 11 letters or digits) the SMS comes from.</summary>
    public string? Brandname { get; set; }

    [Required]
    [Url]
    public string BaseUrl { get; set; } = "https://rest.esms.vn";

    /// <summary>eSMS's test mode: accepted and answered, never delivered nor charged.</summary>
    public bool Sandbox { get; set; }

    /// <summary>Send with diacritics (<c>IsUnicode=1</c>); off by default because CSKH brandname content is registered without them.</summary>
    public bool Unicode { get; set; }

    /// <summary>
    /// The secret last segment of the delivery callback URL <c>/hooks/sms-gateway/{CallbackSecretPath}</c>: eSMS signs
    /// nothing on that callback, so knowing the path is what proves it came from eSMS.
    /// </summary>
    public string? CallbackSecretPath { get; set; }

    /// <summary>The short code citizens answer to (e.g. 8079), for the two-way MO service.</summary>
    public string? ShortCode { get; set; }

    /// <summary>The partner id eSMS issued for the MO service (<c>cpid</c>).</summary>
    public string? CpId { get; set; }

    /// <summary>The key eSMS signs each MO callback with.</summary>
    public string? PrivateKey { get; set; }

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(SecretKey) && !string.IsNullOrWhiteSpace(Brandname) && !string.IsNullOrWhiteSpace(CallbackSecretPath);

    /// <summary>Citizens can answer by SMS: the short-code MO service is set up.</summary>
    public bool ReceivesReplies => !string.IsNullOrWhiteSpace(ShortCode) && !string.IsNullOrWhiteSpace(CpId) && !string.IsNullOrWhiteSpace(PrivateKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(CallbackSecretPath) && !SecretPath().IsMatch(CallbackSecretPath))
        {
            yield return new ValidationResult(
                "Channels:Esms:CallbackSecretPath must be at least 24 characters of A-Z, a-z, 0-9, _ and -, e.g. from `openssl rand -base64 24 | tr '+/' '-_' | tr -d =`.",
                [nameof(CallbackSecretPath)]);
        }

        var mo = new[] { ShortCode, CpId, PrivateKey }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (mo is > 0 and < 3)
        {
            yield return new ValidationResult("Channels:Esms:ShortCode, :CpId and :PrivateKey go together (the short-code MO service): set all three or none.");
        }

        if (!string.IsNullOrEmpty(Brandname) && Brandname.Length > 11)
        {
            yield return new ValidationResult("Channels:Esms:Brandname is at most 11 characters.", [nameof(Brandname)]);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{24,200}$")]
    private static partial Regex SecretPath();
}
